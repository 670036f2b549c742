/// How long a thread busy-waits before it gives the CPU away.
///
/// A wait has two phases (the seed's shape):
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
    /// policy") on the project's 2-vCPU KVM guest, where one pause hint takes 28-108 ns.
    /// - `backoffCap` 1: the word is polled after every pause, so a hand-off is seen within
    ///   ~50 ns; a cap of 8 polls only every ~0.4-0.9 µs, in both directions of a job.
    /// - `busyChecks` 32: ~1-3 µs of pure spinning, enough for back-to-back jobs. The previous
    ///   1024 checks × cap 8 spun ~0.4 ms without yielding: whenever caller and worker shared
    ///   a CPU (an oversubscribed machine) each job then cost 0.5-1.2 ms, against 5-7 µs now.
    /// - `yieldPhase` 100 µs: yielding keeps a worker reachable in about a microsecond across
    ///   gaps of caller work up to ~100 µs, yet lets other threads run; then it parks, and an
    ///   idle pool uses ~0.02 % CPU.
    public static let `default` = SpinPolicy(busyChecks: 32, backoffCap: 1, yieldPhase: .microseconds(100))

    /// Never spin: every wait goes straight to the kernel. Forces the park/wake paths.
    public static let parkImmediately = SpinPolicy(busyChecks: 0, backoffCap: 1, yieldPhase: .zero)

    /// Spin for a long time (50 ms) before parking: keeps workers hot across long gaps.
    public static let spinLong = SpinPolicy(busyChecks: 100_000, backoffCap: 16, yieldPhase: .milliseconds(50))

    public var description: String {
        "SpinPolicy(busyChecks: \(busyChecks), backoffCap: \(backoffCap), yieldPhase: \(yieldPhaseNanoseconds / 1000) µs)"
    }
}
