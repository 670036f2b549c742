import Glibc
import Pool

/// A `ThreadPool` counting to N, with a given scheduler, reducer and probe, pinned or not.
///
/// Pinned: the pool pins worker i to allowed CPU i, and `measure` runs on a helper thread
/// pinned to allowed CPU 0, the one the pool leaves for its caller.
/// Unchecked Sendable: the pinned measurement moves the pool to the helper thread while the
/// main thread waits in join; one thread at a time ever touches it.
final class PoolVariant<Scheduler: InspectableScheduler, Reducer: InspectableReducer, Probe: PoolProbe>: JobVariant, @unchecked Sendable {
    let name: String
    let threadCount: Int
    let kind: VariantKind
    let spinPolicy: SpinPolicy
    private let callerCPU: Int?
    /// Unchecked exclusivity: `run` is mutating, and a class's stored property would otherwise
    /// pay a dynamic exclusivity check (two runtime calls) per job, bench overhead that the
    /// floor does not carry. One thread at a time ever touches the pool (see above).
    @exclusivity(unchecked) private var pool: Pool
    /// `measureHere`, captured while the initialiser runs with concrete types. Calls that
    /// arrive through `any JobVariant` land in this class's unspecialised generic code;
    /// the closure leads them back to code specialised for `Scheduler` and `Probe`, so the
    /// caller's share inlines the counting loop instead of calling through witness thunks.
    private var specializedMeasure: (@Sendable (UInt64, Int, Int, UInt64) -> UInt64)?

    typealias Pool = ThreadPool<Scheduler, Reducer, CountingWork, Probe>

    /// `make` builds the pool from its configuration; by default the generic initialiser.
    /// `sharedCPU`: pin the caller to worker 1's CPU instead of its own, so that caller and
    /// worker share one CPU (the oversubscribed case the spin sweep measures).
    init(threadCount: Int, pinned: Bool, probe: Probe, spinPolicy: SpinPolicy = .default, label: String? = nil,
         sharedCPU: Bool = false, make: ((PoolConfiguration) throws(PoolError) -> Pool)? = nil) throws(PoolError) {
        self.threadCount = threadCount
        self.spinPolicy = spinPolicy
        let isCallProbe = !(probe is NoProbe)
        kind = .pool(scheduler: Scheduler.name, reducer: Reducer.name, pinned: pinned, probe: isCallProbe)
        name = label ?? "\(Scheduler.name)+\(Reducer.name)/\(threadCount)\(pinned ? "/pin" : "")\(isCallProbe ? "/callprobe" : "")"
        let cpus = CPUAffinity.allowedCPUs()
        callerCPU = pinned ? cpus[sharedCPU ? 1 % cpus.count : 0] : nil
        let configuration = PoolConfiguration(threadCount: threadCount, spinPolicy: spinPolicy, pinning: pinned)
        if let make {
            pool = try make(configuration)
        } else {
            pool = try ThreadPool(configuration: configuration, scheduler: Scheduler.self, reducer: Reducer.self,
                                  work: CountingWork(), probe: probe)
        }
        specializedMeasure = { [unowned self] target, warmupJobs, jobs, gap in
            gap == 0 ? self.measureHere(target: target, warmupJobs: warmupJobs, jobs: jobs)
                : self.measureSpaced(target: target, warmupJobs: warmupJobs, jobs: jobs, gapNanoseconds: gap)
        }
    }

    /// One job; a pool failure stops the bench (nothing injects failures here).
    @inline(__always)
    func job(target: UInt64) -> UInt64 {
        do {
            return try pool.run(target: target)
        } catch {
            fatalError("\(BenchFailure.poolFailed(variant: name, error: error))")
        }
    }

    func measureHere(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        timeJobs(variant: name, target: target, warmupJobs: warmupJobs, jobs: jobs) { job(target: target) }
    }

    /// Jobs separated by `gapNanoseconds` of caller work (a busy loop on the clock); returns
    /// the summed time of the jobs alone, each timed on its own.
    func measureSpaced(target: UInt64, warmupJobs: Int, jobs: Int, gapNanoseconds: UInt64) -> UInt64 {
        var total: UInt64 = 0
        for _ in 0..<warmupJobs { total &+= job(target: target) }
        checkTotal(total, jobs: warmupJobs, target: target, variant: name)
        total = 0
        var elapsed: UInt64 = 0
        for _ in 0..<jobs {
            let gapEnd = MonotonicClock.nanoseconds() &+ gapNanoseconds
            while MonotonicClock.nanoseconds() < gapEnd {}
            let start = MonotonicClock.nanoseconds()
            total &+= job(target: target)
            elapsed &+= MonotonicClock.nanoseconds() &- start
        }
        checkTotal(total, jobs: jobs, target: target, variant: name)
        return elapsed
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        measure(target: target, warmupJobs: warmupJobs, jobs: jobs, gapNanoseconds: 0)
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int, gapNanoseconds: UInt64) -> UInt64 {
        let measure = specializedMeasure!
        guard let cpu = callerCPU else { return measure(target, warmupJobs, jobs, gapNanoseconds) }
        return PinnedCaller.run(on: cpu) { measure(target, warmupJobs, jobs, gapNanoseconds) }
    }

    /// Whether every worker is parked in the kernel (the spin bound has passed).
    var workersParked: Bool {
        pool.scheduler.diagnostics.sleepers >= UInt32(threadCount - 1)
    }

    /// Waits (sleeping, bounded by `limitNanoseconds`) until every worker has parked; returns
    /// how long that took after the call, or nil if they were still spinning at the limit.
    @discardableResult
    func waitUntilParked(limitNanoseconds: UInt64 = 200_000_000) -> UInt64? {
        let start = MonotonicClock.nanoseconds()
        while true {
            let now = MonotonicClock.nanoseconds()
            if workersParked { return now &- start }
            if now &- start > limitNanoseconds { return nil }
            usleep(20)
        }
    }

    func quiesce() { waitUntilParked() }
}

/// The standard pool's blocks (`CountingPool`'s), built through the generic initialiser.
typealias StandardPoolVariant = PoolVariant<SequenceScheduler, SlotReducer, NoProbe>
