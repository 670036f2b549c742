import Pool
import TestSupport

/// The share detector: the shares of `target` over `threadCount` threads are contiguous,
/// cover 0 ..< target exactly, and differ in size by at most one.
///
/// `split` is the function under test (`Share.of`, or a broken one).
func checkShares(threadCount: Int, target: UInt64,
                 split: (_ thread: Int, _ threadCount: Int, _ target: UInt64) -> Share) -> CheckVerdict {
    var verdict = CheckVerdict()
    var next = UInt128(0)
    var sizes: [UInt64] = []
    for thread in 0..<threadCount {
        let share = split(thread, threadCount, target)
        verdict.check(share.thread == thread && share.threadCount == threadCount, .badShares,
                      "share \(thread) is labelled \(share.thread)/\(share.threadCount)")
        verdict.check(UInt128(share.offset) == next, .badShares,
                      "share \(thread) starts at \(share.offset), expected \(next) (gap or overlap)")
        next = UInt128(share.offset) + UInt128(share.count)
        sizes.append(share.count)
    }
    verdict.check(next == UInt128(target), .badShares, "shares end at \(next), target \(target)")
    if let smallest = sizes.min(), let largest = sizes.max() {
        verdict.check(largest - smallest <= 1, .badShares, "share sizes range from \(smallest) to \(largest)")
    }
    return verdict
}
