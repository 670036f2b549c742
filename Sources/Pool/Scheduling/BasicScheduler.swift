import Synchronization

/// The book's first scheduler: an atomic request word plus a barrier of all N threads.
///
/// Each job is one barrier round: the workers wait in the barrier, the caller stores the
/// target in the request word and arrives last, and the round's completion publishes the
/// target. It costs every thread one fetch-add plus a wake when anyone parked, more than the
/// one RMW per transaction the futex scheduler needs: it is the baseline.
///
/// Deviation from the book, on purpose: the book signals stop with request 0 plus a barrier
/// wait, which deadlocks when a thread died before arriving. Here stop breaks the barrier
/// instead (`StoppableBarrier`), so stop reaches every thread whatever failed.
/// Zero-sized jobs stay forbidden (`minimumJobSize` 1), as in the book: they run on the caller.
public final class BasicScheduler: InspectableScheduler {
    public static var minimumJobSize: UInt64 { 1 }
    public static var name: String { "basic" }
    /// A party parks on the generation it saw: it is asleep by mistake if the word moved on.
    public static var parksOnChangingWord: Bool { true }

    @usableFromInline let request: PaddedAtomic<UInt64>
    @usableFromInline package let barrier: StoppableBarrier
    @usableFromInline let spinPolicy: SpinPolicy

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "BasicScheduler needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        request = PaddedAtomic(0, label: "request")
        barrier = StoppableBarrier(parties: threadCount)
        self.spinPolicy = spinPolicy
    }

    deinit {
        request.deallocate()
        barrier.deallocate()
    }

    @inlinable
    public func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        if barrier.isBroken { throw .stopped }
        // relaxed: published by this thread's releasing arrival in the barrier.
        request.store(target, ordering: .relaxed)
        try barrier.arriveAndWait(thread: 0, policy: spinPolicy, probe: probe)
    }

    @inlinable
    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        try barrier.arriveAndWait(thread: thread, policy: spinPolicy, probe: probe)
        // relaxed: ordered by the barrier round's acquire.
        let target = request.load(ordering: .relaxed)
        PoolTrace.log(thread, "basic: took a task, target \(target)")
        try probe.pass(.taskClaimed, thread: thread, value: target)
        return target
    }

    /// A worker cannot claim twice: it needs the caller's next barrier arrival first.
    @inlinable
    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {}

    public func stop(_ cause: StopCause) { barrier.breakBarrier() }

    @inlinable
    public var isStopped: Bool { barrier.isBroken }

    public func wakeSpuriously() { barrier.generation.wakeAll() }

    @usableFromInline package var diagnostics: SchedulerDiagnostics {
        let value = barrier.generation.word.pointer.pointee.load(ordering: .relaxed)
        return SchedulerDiagnostics(word: UInt64(value), pendingTasks: 0,
                                    sleepers: barrier.generation.sleeperCount, stopped: value & 1 != 0)
    }
}
