import Pool
import Synchronization

/// CANARY: `FutexScheduler` that loses wake-ups, because it parks without the kernel's
/// re-check.
///
/// What is broken: after its spin gives up, a worker re-reads the task word and parks
/// "while the word equals" that fresh value, instead of the value it checked (0). The
/// futex's guarantee is that the kernel compares the word with the *checked* value under
/// its lock: a job published between the check and the park makes the wait return at once.
/// Passing the re-read value throws that away. If the caller publishes a job (and skips or
/// spends its wake, since the worker is not asleep yet) after the check but before the
/// re-read, the worker re-reads N > 0 and sleeps on it: nobody will wake it, its task stays
/// unclaimed, and the job never completes.
///
/// Why the harness must catch it: TSan sees no race here (every access is atomic); only a
/// watchdog can see the hang, and only its diagnosis (a worker parked at `beforePark` while
/// the task word says tasks are pending) tells a lost wake-up from a slow job. The rescue
/// wake then completes the job, which confirms the diagnosis.
public final class LostWakeupFutexScheduler: JobScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { "lost-wakeup" }

    let state: CanaryTaskWord

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        state = CanaryTaskWord(threadCount: threadCount, spinPolicy: spinPolicy, name: "LostWakeupFutexScheduler")
    }

    deinit { state.deallocate() }

    public func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        try state.publish(target: target)
    }

    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        while !state.spinForTask() {
            try probe.pass(.beforePark, thread: thread, value: 0)
            // BROKEN: parks on a value read now, not on the 0 that was checked. If a job was
            // published since the check, this sleeps on the new value and misses its wake.
            let current = state.task.word.pointer.pointee.load(ordering: .relaxed)
            state.task.park(whileEqualTo: current)
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        return try state.claim(thread: thread, probe: probe)
    }

    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        try state.waitUntilAllClaimed()
    }

    public func stop() { state.raiseStop() }
    public var isStopped: Bool { state.isStopped }
    public func wakeSpuriously() { state.task.wakeAll() }
    public var diagnostics: SchedulerDiagnostics { state.diagnostics }
}
