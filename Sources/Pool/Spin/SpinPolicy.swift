/// How long a thread busy-waits before it gives the CPU away.
///
/// A wait has two phases (the book's shape, docs/ORIGIN.md):
/// 1. `busyChecks` checks of a cheap condition, with `pauseHints` CPU pause hints between
///    checks that double from 1 up to `backoffCap`. No syscall, sub-microsecond reaction.
/// 2. A loop of "check the full condition, then `sched_yield`". A bounded wait leaves this
///    phase after `yieldPhaseNanoseconds` so that its caller can block in the kernel; an
///    unbounded wait stays in it (yielding keeps an oversubscribed machine moving).
///
/// The policy is a pool parameter so that tests and the stress driver can force the
/// extremes: `.parkImmediately` ("never spin, always park") exercises every park/wake path,
/// `.spinLong` keeps workers hot for a long time.
@frozen
public struct SpinPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Phase-1 checks. 0 skips phase 1.
    public var busyChecks: Int
    /// Largest number of pause hints between two phase-1 checks (at least 1).
    public var backoffCap: Int
    /// How long a bounded wait stays in phase 2 before giving up. 0: check once, give up.
    public var yieldPhaseNanoseconds: UInt64

    public init(busyChecks: Int, backoffCap: Int, yieldPhase: Duration) {
        precondition(busyChecks >= 0, "SpinPolicy.busyChecks must be >= 0, got \(busyChecks)")
        precondition(backoffCap >= 1, "SpinPolicy.backoffCap must be >= 1, got \(backoffCap)")
        precondition(yieldPhase >= .zero, "SpinPolicy.yieldPhase must not be negative, got \(yieldPhase)")
        self.busyChecks = busyChecks
        self.backoffCap = backoffCap
        self.yieldPhaseNanoseconds = yieldPhase.clampedNanoseconds
    }

    /// Measured, not copied: `swift run -c release bench --spin-sweep` (docs/BENCH.md, "Spin
    /// policy"), futex pool, 2 threads, on the project's 2-vCPU KVM guest at load ~0.9, where
    /// one pause hint takes ~27 ns (up to ~100 ns when the host is busy). Against the old
    /// 1024 checks × cap 8 × 100 µs:
    /// - `backoffCap` 1: the word is polled after every pause, so a hand-off is seen within
    ///   ~30 ns; N=1 jobs back to back cost ~340 ns (cap 8: ~410-440 ns).
    /// - `busyChecks` 128: ~3.5 µs of pure spinning, then yielding. When caller and worker
    ///   share a CPU (an oversubscribed machine) a job costs ~10 µs (old: ~410 µs, one whole
    ///   non-yielding busy phase per hand-off).
    /// - `yieldPhase` 250 µs: a worker stays reachable across 200 µs of caller work between
    ///   jobs (~1.5 µs per job; with 100 µs it parks and a job costs ~38 µs), then parks: the
    ///   spin tail after the last job is ~0.3 ms, and an idle pool uses ~0.04 % CPU.
    public static let `default` = SpinPolicy(busyChecks: 128, backoffCap: 1, yieldPhase: .microseconds(250))

    /// Never spin: every wait goes straight to the kernel. Forces the park/wake paths.
    public static let parkImmediately = SpinPolicy(busyChecks: 0, backoffCap: 1, yieldPhase: .zero)

    /// Spin for a long time (50 ms) before parking: keeps workers hot across long gaps.
    public static let spinLong = SpinPolicy(busyChecks: 100_000, backoffCap: 16, yieldPhase: .milliseconds(50))

    public var description: String {
        "SpinPolicy(busyChecks: \(busyChecks), backoffCap: \(backoffCap), yieldPhase: \(yieldPhaseNanoseconds / 1000) µs)"
    }
}
