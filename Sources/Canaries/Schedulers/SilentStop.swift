import Synchronization
import Pool

/// CANARY `silent-stop`: stop raises the stop value but wakes nobody.
///
/// Broken step: `FutexSteps.wakeAfterStop`. Spinning workers see the stop value and leave,
/// but a worker parked in the kernel sleeps on: the word changed, and nobody told the
/// kernel. Shutdown then cannot join it, and a failure's stop never reaches it.
///
/// Why the harness must catch it: the stop-reach property test parks every worker
/// (`SpinPolicy.parkImmediately`) and requires each to return `.stopped` in bounded time;
/// the stress watchdog sees a shutdown that never ends.
public enum SilentStop: FutexSteps {
    public static var variantName: String? { Canary.silentStop.rawValue }

    public static func wakeAfterStop(_ words: FutexWords) {
        // BROKEN: no wake (real: `words.task.wakeAll()`).
    }
}
