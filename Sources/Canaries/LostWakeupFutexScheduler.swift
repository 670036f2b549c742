import Pool

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
public final class LostWakeupFutexScheduler: FutexCanaryBase, @unchecked Sendable {
    override public class var name: String { "lost-wakeup" }

    override public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        while !spinForTask() {
            try probe.pass(.beforePark, thread: thread, value: 0)
            // BROKEN: parks on a value read now, not on the 0 that was checked. If a job was
            // published since the check, this sleeps on the new value and misses its wake.
            // (Real: task.park(whileEqualTo: 0).)
            let current = task.word.pointer.pointee.load(ordering: .relaxed)
            task.park(whileEqualTo: current)
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        return try claim(thread: thread, probe: probe)
    }
}
