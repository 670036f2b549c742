import Pool

/// CANARY `wrapping-sum`: a sum past `UInt64.max` wraps silently instead of failing.
///
/// Broken step: `SpinLockSteps.add`, which adds with wrap-around. The contract says an
/// overflowing total is an error (`ReductionOverflow`), never a wrap: a wrapped total is a
/// plausible-looking wrong answer.
///
/// Why the harness must catch it: the property tests' overflow-boundary check, which runs
/// jobs whose totals land at and just past `UInt64.max`. The stress driver's work never
/// overflows, so it is not in the stress self-test.
public enum WrappingSum: SpinLockSteps {
    public static var variantName: String? { Canary.wrappingSum.rawValue }

    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        // BROKEN: wraps (real: `addingReportingOverflow`, and `.overflow` on overflow).
        sum &+ contribution
    }
}
