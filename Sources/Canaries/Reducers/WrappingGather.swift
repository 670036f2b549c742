import Pool

/// CANARY `wrapping-gather`: the slot reducer's gather wraps past `UInt64.max` instead of
/// failing.
///
/// Broken step: `SlotSteps.add`, which adds with wrap-around. The contract says an
/// overflowing total is an error (`ReductionOverflow`, thrown on the caller), never a wrap.
///
/// Why the harness must catch it: the property tests' overflow-boundary checks (the reducer
/// harness and the pool), which run jobs whose totals land at and just past `UInt64.max`. The
/// stress driver's work never overflows, so it is not in the stress self-test.
public enum WrappingGather: SlotSteps {
    public static var variantName: String? { Canary.wrappingGather.rawValue }

    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        // BROKEN: wraps (real: `addingReportingOverflow`, and `.overflow` on overflow).
        sum &+ contribution
    }
}
