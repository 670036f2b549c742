import Glibc

/// A fixed-size fork-join pool for short jobs that split evenly: "count to N in parallel".
///
/// `threadCount - 1` worker threads wait for jobs; the thread that calls `run` is thread 0
/// and computes its own share. A job's `target` is split into contiguous shares that differ
/// by at most one (`Share.of`); each thread's `Work` computes its share's contribution, and
/// the `Reducer` sums them. The `Scheduler` hands out jobs and carries the stop signal.
///
/// Contract:
/// - **One job at a time.** The pool is `~Copyable` and `run` is `mutating`: two jobs at
///   once on one pool do not compile, and a pool stored in a class and used from two
///   threads trips Swift's exclusivity check instead of corrupting the protocol.
/// - **Failure.** If any thread's share throws, or a probe injects a failure, that thread
///   raises stop; `run` throws `PoolError.threadFailed` naming the thread and the error (the
///   first one, if several fail) and never hangs, whichever thread fails and wherever.
///   The pool is then stopped: every later `run` throws `PoolError.stopped` at once.
/// - **Shutdown.** `deinit` (or `shutdown`) raises stop and joins every worker, each within
///   `configuration.shutdownTimeout`, whatever state the pool is in.
/// - **Cost.** With spinning workers a job costs a fraction of a microsecond, no allocation
///   and no syscall unless a worker has parked. With the standard blocks (`CountingPool`:
///   sequence scheduler, slot reducer) the caller does one compare-exchange and each worker
///   one releasing store, and one cache line travels each way per worker: the shape of the
///   hand-off floor (docs/PROTOCOL.md, "Cache lines per job").
/// - **Idle.** Workers spin for the spin policy's bound after a job, then park in the
///   kernel: an idle pool uses no CPU. The first job after that pays a wake-up (~15-30 µs).
public struct ThreadPool<Scheduler: JobScheduler, Reducer: ResultReducer, Work: ShareWork, Probe: PoolProbe>: ~Copyable {
    @usableFromInline let core: PoolCore<Scheduler, Reducer, Work, Probe>
    private let workers: WorkerThreads
    private let lifecycle = Lifecycle()
    private let shutdownTimeoutNanoseconds: UInt64
    /// The real step, unless a canary of this package selected another (`ShutdownSteps`).
    private let shutdownSteps: any ShutdownSteps.Type

    /// Whether the workers still run. A class because `deinit` of a `~Copyable` struct
    /// sees `self` as immutable; only the owning thread touches it.
    private final class Lifecycle {
        enum State {
            /// Workers are running or waiting; jobs may run (unless stop was raised meanwhile).
            case running
            /// Stop raised and every worker joined (or detached after a timeout).
            case shutDown
        }
        var state: State = .running
    }

    /// Builds a pool and starts its workers.
    ///
    /// Throws `PoolError.invalidThreadCount` for a thread count outside
    /// 1 ... `ThreadPoolLimits.maximumThreads`, and the creation or pinning error otherwise.
    @inlinable
    public init(
        configuration: PoolConfiguration = PoolConfiguration(),
        scheduler: Scheduler.Type = Scheduler.self,
        reducer: Reducer.Type = Reducer.self,
        work: Work,
        probe: Probe
    ) throws(PoolError) {
        try self.init(configuration: configuration, work: work, probe: probe,
                      entry: { core, thread in core.workerMain(thread: thread) })
    }

    /// The worker entry comes from the `@inlinable` initialiser above, so that it is built in
    /// the client's module, where `Work` and `Probe` are concrete: the worker loop is then
    /// specialised like `run`. (Built here, it would run unspecialised: a witness-table call
    /// per probe point, and an opaque call per increment of the counting kernel.)
    @usableFromInline
    init(configuration: PoolConfiguration, work: Work, probe: Probe,
         entry: @escaping @Sendable (PoolCore<Scheduler, Reducer, Work, Probe>, Int) -> Void) throws(PoolError) {
        let threadCount = configuration.threadCount
        guard threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads else {
            throw .invalidThreadCount(requested: threadCount, maximum: ThreadPoolLimits.maximumThreads)
        }
        let core = PoolCore<Scheduler, Reducer, Work, Probe>(
            threadCount: threadCount, spinPolicy: configuration.spinPolicy, work: work, probe: probe)
        if let sequence = configuration.startingSequence, let scheduler = core.scheduler as? any SequenceBoundaryStart {
            // Before any worker exists: creating its thread publishes the words.
            scheduler.startSequence(at: sequence)
        }
        if let job = configuration.startingSlotJob, let reducer = core.reducer as? any SlotBoundaryStart {
            reducer.startJobs(at: job)
        }
        let timeout = configuration.shutdownTimeout.clampedNanoseconds
        let workers = WorkerThreads()
        let cpus = configuration.pinning ? CPUAffinity.allowedCPUs() : []
        do {
            for thread in 1..<threadCount {
                let cpu = cpus.isEmpty ? nil : cpus[thread % cpus.count]
                try workers.spawn(thread: thread, cpu: cpu) { entry(core, thread) }
            }
        } catch {
            core.scheduler.stop()
            try? workers.joinAll(timeoutNanoseconds: timeout)
            throw error
        }
        self.core = core
        self.workers = workers
        self.shutdownTimeoutNanoseconds = timeout
        shutdownSteps = configuration.shutdownSteps
        PoolTrace.log(0, "pool of \(threadCount) threads (\(Scheduler.name), \(Reducer.name)) started")
    }

    deinit {
        if lifecycle.state == .running {
            do {
                try shutDownWorkers()
            } catch {
                // Cannot throw from deinit. The stuck worker keeps the shared state alive.
                PoolTrace.log(0, "shutdown: \(error)")
                reportShutdownFailure(error)
            }
        }
    }

    /// Threads in the pool, the caller included.
    public var threadCount: Int { core.threadCount }

    /// Whether stop has been raised: after a failure, every job throws `.stopped`.
    public var isStopped: Bool { core.scheduler.isStopped }

    /// The scheduler, for diagnostics (watchdogs, spurious-wake injection).
    public var scheduler: Scheduler { core.scheduler }

    /// The reducer, for diagnostics.
    public var reducer: Reducer { core.reducer }

    /// The first failure, if a thread has failed.
    public var failure: (thread: Int, error: any Error)? { core.failures.failure }

    /// Runs one job over `0 ..< target` and returns the sum of the shares' contributions.
    ///
    /// Jobs smaller than the scheduler's minimum size, and every job of a 1-thread pool, run
    /// on the caller alone.
    @inlinable
    public mutating func run(target: UInt64) throws(PoolError) -> UInt64 {
        let core = self.core
        // A pool stopped before this job began throws plain `.stopped`: the failure was
        // reported by the job it happened in (or is in `failure`, if it came between jobs).
        // After a failure, workers of the failed job may still be merging: never reset the
        // reducer under them. (A stop raised too late for this check makes start throw.)
        if core.scheduler.isStopped { throw .stopped }
        do {
            if core.threadCount == 1 || target < Scheduler.minimumJobSize {
                return try core.runOnCaller(target: target)
            }
            return try core.runOnPool(target: target)
        } catch {
            throw core.jobError(error)
        }
    }

    /// Raises stop and joins every worker, each within the configured timeout. Idempotent.
    /// Throws `.shutdownTimedOut` naming the first worker that did not exit in time.
    public mutating func shutdown() throws(PoolError) {
        guard lifecycle.state == .running else { return }
        try shutDownWorkers()
    }

    private func shutDownWorkers() throws(PoolError) {
        lifecycle.state = .shutDown
        PoolTrace.log(0, "shutdown: raising stop")
        core.scheduler.stop()
        try shutdownSteps.settleWorkers(workers, timeoutNanoseconds: shutdownTimeoutNanoseconds)
        PoolTrace.log(0, "shutdown: every worker joined")
    }
}

private func reportShutdownFailure(_ error: any Error) {
    StandardError.write("Pool: \(error); the worker was detached and still holds the pool's shared state\n")
}

/// The standard pool: counts to N with the sequence scheduler and the slot reducer, the
/// fastest blocks the harness proves correct (docs/BENCH.md: about the hand-off floor's cost
/// per job, where the book's futex scheduler and spin-lock reducer cost about twice it).
public typealias CountingPool = ThreadPool<SequenceScheduler, SlotReducer, CountingWork, NoProbe>

/// The standard pool with your own work: the sequence scheduler and the slot reducer, no
/// instrumentation. `try StandardPool(work: myWork)`, or `ThreadPool(work:)`.
public typealias StandardPool<Work: ShareWork> = ThreadPool<SequenceScheduler, SlotReducer, Work, NoProbe>

extension ThreadPool where Scheduler == SequenceScheduler, Reducer == SlotReducer, Probe == NoProbe {
    /// A pool of the standard blocks (sequence scheduler, slot reducer) for your work: what a
    /// pool gets when it names no block.
    public init(configuration: PoolConfiguration = PoolConfiguration(), work: Work) throws(PoolError) {
        try self.init(configuration: configuration, scheduler: SequenceScheduler.self, reducer: SlotReducer.self,
                      work: work, probe: NoProbe())
    }
}

extension ThreadPool where Reducer == SlotReducer, Probe == NoProbe {
    /// A pool with the scheduler you name, the standard (slot) reducer and no
    /// instrumentation: the block you do not name is the standard one.
    public init(configuration: PoolConfiguration = PoolConfiguration(), scheduler: Scheduler.Type, work: Work) throws(PoolError) {
        try self.init(configuration: configuration, scheduler: scheduler, reducer: SlotReducer.self, work: work, probe: NoProbe())
    }
}

extension ThreadPool where Probe == NoProbe {
    /// A pool with both blocks named and no instrumentation: the book's pair
    /// (`FutexScheduler`, `SpinLockReducer`), the reference and a baseline, is chosen this way.
    public init(configuration: PoolConfiguration = PoolConfiguration(), scheduler: Scheduler.Type, reducer: Reducer.Type,
                work: Work) throws(PoolError) {
        try self.init(configuration: configuration, scheduler: scheduler, reducer: reducer, work: work, probe: NoProbe())
    }
}

extension ThreadPool where Scheduler == SequenceScheduler, Reducer == SlotReducer, Work == CountingWork, Probe == NoProbe {
    /// The standard counting pool.
    public init(configuration: PoolConfiguration = PoolConfiguration()) throws(PoolError) {
        try self.init(configuration: configuration, scheduler: SequenceScheduler.self, reducer: SlotReducer.self,
                      work: CountingWork(), probe: NoProbe())
    }
}
