import Synchronization
import Pool

/// CANARY `wrong-word`: workers park on a futex word that `start` never wakes.
///
/// Broken step: `FutexSteps.parkForTask`, which parks on the target's word instead of the
/// task word (the "wrong futex address" bug). `start` wakes the task word, so a parked worker
/// sleeps through every job. Only the diagnostic rescue wake, which wakes every word of the
/// scheduler, reaches it.
///
/// Why the harness must catch it: the parked-woken property test parks every worker, starts
/// a job and requires each to claim it in bounded time; the stress watchdog diagnoses a
/// LOST WAKE-UP (a worker parked while tasks are pending) and the rescue completes the job.
public enum WrongWord: FutexSteps {
    public static var variantName: String? { Canary.wrongWord.rawValue }

    public static func parkForTask(_ words: FutexWords) {
        // BROKEN: the wrong address (real: `words.task.park(whileEqualTo: 0)`). The value
        // checked is the target word's current low half, so the wait does sleep.
        let address = words.target.address
        // relaxed: a snapshot of the word the wait will compare with.
        let current = UInt32(truncatingIfNeeded: words.target.load(ordering: .relaxed))
        ParkingWord.park(at: address, whileEqualTo: current, sleepers: words.task.sleepers)
    }
}
