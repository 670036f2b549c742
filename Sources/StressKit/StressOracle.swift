import Pool

/// The sequential oracle: what a job's total, and each share's contribution, must be.
///
/// Item i is worth `1 + (i & 7)`, so shares of equal size contribute different amounts and
/// a lost, duplicated or misplaced contribution changes the total. Closed form, so checking
/// costs O(1) while the work itself loops over every item.
public enum StressOracle {
    /// Sum of the values of items 0 ..< count.
    @inlinable
    public static func prefixSum(_ count: UInt64) -> UInt64 {
        let blocks = count / 8
        let rest = count % 8
        return count &+ blocks &* 28 &+ rest &* (rest &- 1) / 2
    }

    /// The job's total.
    @inlinable
    public static func total(target: UInt64) -> UInt64 { prefixSum(target) }

    /// One share's contribution.
    @inlinable
    public static func contribution(of share: Share) -> UInt64 {
        prefixSum(share.offset &+ share.count) &- prefixSum(share.offset)
    }
}
