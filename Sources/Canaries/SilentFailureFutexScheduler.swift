import CPoolSupport
import Pool

/// CANARY: `FutexScheduler` whose failure path does not raise stop.
///
/// What is broken: `stop()` only acts when called from the thread that built the scheduler
/// (the pool's owner, which calls it from `shutdown`). The author wrote stop for shutdown
/// and "protected" it against stray callers, forgetting that a failing worker must raise
/// it too. So when a worker's share throws, or a probe fails it, the worker records its
/// failure, calls stop (which does nothing), and exits. The caller keeps waiting for a
/// contribution that will never come: the job hangs instead of failing. Shutdown still
/// works, so nothing looks wrong until a worker fails.
///
/// Why the harness must catch it: no data race and no wrong result, just a job that never
/// ends; only the watchdog sees it, and its dump shows the tell-tale: a thread that passed
/// `stopRaised` while the scheduler says it is not stopped.
public final class SilentFailureFutexScheduler: FutexCanaryBase, @unchecked Sendable {
    override public class var name: String { "silent-failure" }

    let ownerThread: Int32

    public required init(threadCount: Int, spinPolicy: SpinPolicy) {
        ownerThread = cpool_gettid()
        super.init(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    override public func stop() {
        // BROKEN: a failing worker's stop is silently ignored; only the owner may stop.
        guard cpool_gettid() == ownerThread else { return }
        super.stop()
    }
}
