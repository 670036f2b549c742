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
public final class SilentFailureFutexScheduler: JobScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { "silent-failure" }

    let state: CanaryTaskWord
    let ownerThread: Int32

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        state = CanaryTaskWord(threadCount: threadCount, spinPolicy: spinPolicy, name: "SilentFailureFutexScheduler")
        ownerThread = cpool_gettid()
    }

    deinit { state.deallocate() }

    public func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        try state.publish(target: target)
    }

    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        try state.waitForTask(thread: thread, probe: probe)
    }

    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        try state.waitUntilAllClaimed()
    }

    public func stop() {
        // BROKEN: a failing worker's stop is silently ignored; only the owner may stop.
        guard cpool_gettid() == ownerThread else { return }
        state.raiseStop()
    }

    public var isStopped: Bool { state.isStopped }
    public func wakeSpuriously() { state.task.wakeAll() }
    public var diagnostics: SchedulerDiagnostics { state.diagnostics }
}
