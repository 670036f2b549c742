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
    @usableFromInline let spinPolicy: SpinPolicy
    @usableFromInline let failures: FailureRecord

    init(threadCount: Int, spinPolicy: SpinPolicy, work: Work, probe: Probe) {
        scheduler = Scheduler(threadCount: threadCount, spinPolicy: spinPolicy)
        reducer = Reducer(threadCount: threadCount, spinPolicy: spinPolicy)
        self.work = work
        self.probe = probe
        self.threadCount = threadCount
        self.spinPolicy = spinPolicy
        failures = FailureRecord()
    }

    /// Computes this thread's share of `target`.
    @inlinable
    func contribution(thread: Int, target: UInt64) throws -> UInt64 {
        try contribution(of: Share.of(thread: thread, threadCount: threadCount, target: target))
    }

    /// Computes one share (the whole target, for a job that runs on the caller alone).
    @inlinable
    func contribution(of share: Share) throws -> UInt64 {
        let thread = share.thread
        let value = try work.process(share)
        try probe.reach(.shareDone, thread: thread, value: value)
        return value
    }

    /// Merges a contribution; returns the total if this thread finished last.
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
                let value = try contribution(thread: thread, target: target)
                try scheduler.waitForStarted(thread: thread, probe: probe)
                try probe.reach(.allTasksClaimed, thread: thread, value: 0)
                _ = try merge(thread: thread, contribution: value)
            } catch let interruption as ProtocolInterruption where interruption == .stopped {
                break
            } catch {
                fail(thread: thread, error: error)
                break
            }
        }
        PoolTrace.log(thread, "worker exits")
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
        scheduler.stop()
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
