import Pool

/// The deliberately broken variants the harness must catch, selectable by name.
///
/// Never linked into the `Pool` library. Each case names the building block it replaces.
/// The broken types live one per file in this module; `stress --variant NAME` runs one.
public enum Canary: String, CaseIterable, Sendable {
    /// Futex scheduler that loses a wake-up.
    case lostWakeup = "lost-wakeup"
    /// A failure path that does not raise stop.
    case noStopOnFailure = "no-stop-on-failure"
    /// Scheduler without waitForStarted: a worker can claim two tasks of one job.
    case doubleClaim = "double-claim"
    /// Reducer whose merge is a load+store without the lock (lost update).
    case unlockedMerge = "unlocked-merge"
    /// The seed-faithful fast path of NOTES §4: a late unlock of another thread's lock.
    case lateUnlock = "late-unlock"
    /// Reducer that publishes with relaxed ordering (TSan only).
    case relaxedPublication = "relaxed-publication"
    /// Futex scheduler that publishes the target with relaxed ordering (TSan only).
    case relaxedTarget = "relaxed-target"

    /// Only ThreadSanitizer can see these: the self-test skips them.
    public var isThreadSanitizerOnly: Bool {
        self == .relaxedPublication || self == .relaxedTarget
    }
}
