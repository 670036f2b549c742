import Pool

/// The sequential oracle: what a job's total, each thread's share, and each share's
/// contribution must be.
///
/// Item i is worth `weight × (1 + (i & 7))`, so shares of equal size contribute different
/// amounts and a lost, duplicated or misplaced contribution changes the total. Closed form,
/// so checking costs O(1) while the work itself loops over every item. The weight is 1, or,
/// for a boundary job, the largest that keeps the total within `UInt64.max`
/// (`boundaryWeight`): every reducer path then adds contributions whose sum ends within one
/// item of the limit, where an overflow check that is off by a bit fails a correct job.
///
/// Independent of the code it judges: nothing here calls the pool (not `Share.of`, which the
/// pool's split uses); the split is the contract's, written out again from docs/PROTOCOL.md.
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
    public static func total(target: UInt64, weight: UInt64 = 1) -> UInt64 { prefixSum(target) &* weight }

    /// The weight of a boundary job of `target` items: the largest whose total still fits,
    /// `UInt64.max / prefixSum(target)`, so the total is within one item's value of the limit.
    public static func boundaryWeight(target: UInt64) -> UInt64 {
        target == 0 ? 1 : UInt64.max / prefixSum(target)
    }


    /// Thread `thread`'s share of `target` items over `threadCount` threads, as the contract
    /// gives it: every thread gets `target / threadCount` items, and the `target %
    /// threadCount` left over go one each to the lowest threads; shares are consecutive, in
    /// thread order, from item 0.
    public static func share(thread: Int, threadCount: Int, target: UInt64) -> (offset: UInt64, count: UInt64) {
        let threads = UInt64(threadCount)
        let index = UInt64(thread)
        let evenPart = target / threads
        let leftOver = target - evenPart * threads
        let getsOneMore = index < leftOver
        // Threads below this one: `index` even parts, and one extra for each of them that
        // got one (all of them, or the first `leftOver`).
        let extrasBefore = getsOneMore ? index : leftOver
        return (index * evenPart + extrasBefore, getsOneMore ? evenPart + 1 : evenPart)
    }

    /// What is wrong with the share a thread computes, judged against the contract's split
    /// (`share(thread:threadCount:target:)`); nil if it is the contract's. Says which of the
    /// contract's properties it breaks: its place (contiguous, covering) or its size (sizes
    /// that differ by at most one, the remainder on the lowest threads).
    public static func shareViolation(_ actual: Share, target: UInt64) -> String? {
        let expected = share(thread: actual.thread, threadCount: actual.threadCount, target: target)
        if actual.offset == expected.offset && actual.count == expected.count { return nil }
        let evenPart = target / UInt64(actual.threadCount)
        let property: String
        if actual.count != evenPart && actual.count != evenPart + 1 {
            property = "its size is neither \(evenPart) nor \(evenPart + 1): shares must differ by at most one"
        } else if actual.count != expected.count {
            property = "the remainder of \(target % UInt64(actual.threadCount)) belongs to the lowest threads"
        } else {
            property = "shares must be contiguous in thread order and cover 0 ..< \(target)"
        }
        return "thread \(actual.thread) of \(actual.threadCount) computes items \(actual.offset) ..< \(actual.offset &+ actual.count) of target \(target); the contract gives \(expected.offset) ..< \(expected.offset + expected.count) (\(property))"
    }

    /// The contribution of the contract's share of `thread`.
    public static func contribution(thread: Int, threadCount: Int, target: UInt64, weight: UInt64 = 1) -> UInt64 {
        let (offset, count) = share(thread: thread, threadCount: threadCount, target: target)
        return (prefixSum(offset &+ count) &- prefixSum(offset)) &* weight
    }
}
