/// The state every thread of one pool shares, and the per-thread protocol steps.
///
/// Workers hold a strong reference until they exit, so the building blocks outlive every
/// thread that can touch them, even a worker that outlives a timed-out shutdown.
@usableFromInline
final class PoolCore<Scheduler: JobScheduler, Reducer: ResultReducer, Work: ShareWork, Probe: PoolProbe>: Sendable {
    @usableFromInline let scheduler: Scheduler
    @usableFromInline let reducer: Reducer
    @usableFromInline let work: Work
    @usableFromInline let probe: Probe
    @usableFromInline let threadCount: Int
    @usableFromInline let failures: FailureRecord

    init(threadCount: Int, spinPolicy: SpinPolicy, work: Work, probe: Probe) {
        scheduler = Scheduler(threadCount: threadCount, spinPolicy: spinPolicy)
        reducer = Reducer(threadCount: threadCount, spinPolicy: spinPolicy)
        self.work = work
        self.probe = probe
        self.threadCount = threadCount
        failures = FailureRecord()
    }

    /// The caller's side of a parallel job: publish, compute share 0, merge, get the total.
    /// Throws `ProtocolInterruption.stopped` when the pool stopped under it, or this
    /// thread's own failure.
    @inlinable
    func runOnPool(target: UInt64) throws -> UInt64 {
        reducer.reset(threadCount: threadCount)
        try probe.pass(.beforePublish, thread: 0, value: target)
        try scheduler.start(target: target, probe: probe)
        try probe.reach(.jobStarted, thread: 0, value: target)
        let value = try contribution(of: Scheduler.share(thread: 0, threadCount: threadCount, target: target))
        if let total = try merge(thread: 0, contribution: value) { return total }
        // unowned(unsafe): this core holds the scheduler for as long as it runs a job. A
        // strong capture costs a retain and a release of the scheduler per slot gathered:
        // atomic writes to the line that holds the scheduler's words, which every worker
        // reads, so one more cache-line transfer per job (docs/PROTOCOL.md, "Cache lines per job").
        return try reducer.waitForTotal(thread: 0, probe: probe, isStopped: { [unowned(unsafe) scheduler] in scheduler.isStopped })
    }

    /// A job below the scheduler's minimum size, or on a 1-thread pool: the whole target is
    /// the caller's share, one thread's view of the job.
    @inlinable
    func runOnCaller(target: UInt64) throws -> UInt64 {
        try contribution(of: Share(thread: 0, threadCount: 1, offset: 0, count: target))
    }

    /// Computes one share and passes `shareDone`.
    @inlinable
    func contribution(of share: Share) throws -> UInt64 {
        let value = try work.process(share)
        try probe.reach(.shareDone, thread: share.thread, value: value)
        return value
    }

    /// Merges a contribution; returns the total if this thread received it.
    @inlinable
    func merge(thread: Int, contribution: UInt64) throws(ProtocolInterruption) -> UInt64? {
        try probe.pass(.beforeMerge, thread: thread, value: contribution)
        return try reducer.threadDone(contribution: contribution, thread: thread, probe: probe)
    }

    /// A worker's life: claim a task, compute, wait until every task is claimed, merge;
    /// until stop. A failure records itself, raises stop and ends the worker.
    @inlinable
    func workerMain(thread: Int) {
        PoolTrace.log(thread, "worker starts")
        while true {
            do {
                let target = try scheduler.waitForTask(thread: thread, probe: probe)
                let value = try contribution(of: Scheduler.share(thread: thread, threadCount: threadCount, target: target))
                try scheduler.waitForStarted(thread: thread, probe: probe)
                try probe.reach(.allTasksClaimed, thread: thread, value: 0)
                _ = try merge(thread: thread, contribution: value)
            } catch {
                if !Self.isStop(error) { fail(thread: thread, error: error) }
                break
            }
        }
        PoolTrace.log(thread, "worker exits")
    }

    /// What the caller's job throws for `error`: a stop seen is not this thread's failure;
    /// anything else is, and is recorded (and stop raised) first. Either way the job reports
    /// the pool's first failure, or plain `.stopped`.
    @usableFromInline
    func jobError(_ error: any Error) -> PoolError {
        if !Self.isStop(error) { fail(thread: 0, error: error) }
        return stoppedError()
    }

    @usableFromInline
    static func isStop(_ error: any Error) -> Bool {
        (error as? ProtocolInterruption) == .stopped
    }

    /// Records the failure (first one wins), then raises stop so that nobody waits forever.
    @usableFromInline
    func fail(thread: Int, error: any Error) {
        let underlying: any Error
        switch error {
        case ProtocolInterruption.injected(let failure): underlying = failure
        case ProtocolInterruption.overflow(let overflow): underlying = overflow
        default: underlying = error
        }
        failures.record(thread: thread, error: underlying)
        scheduler.stop(.failure(thread: thread))
        PoolTrace.log(thread, "failed (\(underlying)); stop raised")
        // A throw here is ignored: the thread is already failing.
        try? probe.reach(.stopRaised, thread: thread, value: 0)
    }

    /// What a job that saw stop throws: the recorded failure, or plain "stopped".
    @usableFromInline
    func stoppedError() -> PoolError {
        if let failure = failures.failure {
            return .threadFailed(thread: failure.thread, underlying: failure.error)
        }
        return .stopped
    }
}
