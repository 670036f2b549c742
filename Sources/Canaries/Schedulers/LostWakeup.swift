import Synchronization
import Pool

/// CANARY `lost-wakeup`: the futex scheduler parks without the kernel's re-check.
///
/// Broken step: `FutexSteps.parkForTask`. After its spin gives up, a worker re-reads the
/// task word and parks "while the word equals" that fresh value, instead of the value it
/// checked (0). The futex's guarantee is that the kernel compares the word with the
/// *checked* value under its lock: a job published between the check and the park makes the
/// wait return at once. Passing the re-read value throws that away. If the caller publishes a
/// job (and skips or spends its wake, since the worker is not asleep yet) after the check but
/// before the re-read, the worker re-reads N > 0 and sleeps on it: nobody will wake it, its
/// task stays unclaimed, and the job never completes.
///
/// Why the harness must catch it: TSan sees no race (every access is atomic); only a watchdog
/// sees the hang, and only its diagnosis (a worker parked at `beforePark` while the task word
/// says tasks are pending) tells a lost wake-up from a slow job. Exploration finds the window
/// deterministically: a preemption between the failed spin check and the re-read.
public enum LostWakeup: FutexSteps {
    public static var variantName: String? { Canary.lostWakeup.rawValue }

    public static func parkForTask(_ words: FutexWords) {
        // BROKEN: parks on a value read now, not on the 0 that was checked. If a job was
        // published since the check, this sleeps on the new value and misses its wake.
        // relaxed: as good as any ordering here; the bug is the value, not the ordering.
        let current = words.task.word.load(ordering: .relaxed)
        words.task.park(whileEqualTo: current)
    }
}
