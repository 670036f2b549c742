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

    /// Measured on the project's 2-vCPU machine (see README, "Spin policy"): 1024 busy
    /// checks with a backoff cap of 8 cover the ~0.1-1 µs a cache-line round trip takes when
    /// both threads run; 100 µs of yielding catches back-to-back jobs issued by a caller
    /// that does a little work in between, while an idle pool stops burning CPU after it.
    public static let `default` = SpinPolicy(busyChecks: 1024, backoffCap: 8, yieldPhase: .microseconds(100))

    /// Never spin: every wait goes straight to the kernel. Forces the park/wake paths.
    public static let parkImmediately = SpinPolicy(busyChecks: 0, backoffCap: 1, yieldPhase: .zero)

    /// Spin for a long time (50 ms) before parking: keeps workers hot across long gaps.
    public static let spinLong = SpinPolicy(busyChecks: 100_000, backoffCap: 16, yieldPhase: .milliseconds(50))

    public var description: String {
        "SpinPolicy(busyChecks: \(busyChecks), backoffCap: \(backoffCap), yieldPhase: \(yieldPhaseNanoseconds / 1000) µs)"
    }
}
