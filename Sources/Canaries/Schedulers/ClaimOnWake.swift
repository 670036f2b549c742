import Synchronization
import Pool

/// CANARY `claim-on-wake`: a worker takes every wake-up for a task.
///
/// Broken step: `FutexSteps.spinForTask`. Where the real step reports "nothing pending, park
/// next" (and the scheduler parks, then checks the task word again once woken), this one
/// parks itself and, once woken, reports a task without looking: a spurious wake, the
/// watchdog's rescue wake or a signal sends the worker into the real claim while the task
/// word is 0. The claim's fetch-sub underflows and its precondition traps: the process dies
/// of SIGILL (SIGTRAP on arm64), in a release build without even the precondition's message.
///
/// Why the harness must catch it: the trap kills the process from a pool thread in the
/// middle of a job, so only a report that does not live in that process can still give the
/// verdict, the episode and job, every thread's last probe point and the replay line. The
/// stress driver's supervisor (`StressSupervisor`) writes it; the self-test expects the
/// verdict `crash`. Spurious wakes come from the driver's injected faults.
public enum ClaimOnWake: FutexSteps {
    public static var variantName: String? { Canary.claimOnWake.rawValue }

    public static func spinForTask(_ words: FutexWords) -> Bool {
        if CorrectFutexSteps.spinForTask(words) { return true }
        // BROKEN: parks here and returns "a task is pending" after any wake (real: returns
        // false; the scheduler parks and then spins again, which re-reads the word).
        Self.parkForTask(words)
        return true
    }
}
