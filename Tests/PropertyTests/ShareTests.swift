import Pool
import TestSupport
import Testing

extension PropertyTests {
    @Suite("Shares")
    struct ShareTests {
        @Test("Share.of covers the target exactly, in shares that differ by at most one",
              arguments: threadCounts, TargetCase.all)
        func sharesCoverTarget(threadCount: Int, target: TargetCase) {
            let value = target.value(threadCount: threadCount)
            let verdict = checkShares(threadCount: threadCount, target: value) { Share.of(thread: $0, threadCount: $1, target: $2) }
            expectNoFindings(verdict, "\(threadCount) threads, target \(value)")
        }

        @Test("Share.of at the largest thread count", arguments: [UInt64(0), 1023, 1024, 1025, .max])
        func sharesAtMaximumThreads(target: UInt64) {
            let threads = ThreadPoolLimits.maximumThreads
            let verdict = checkShares(threadCount: threads, target: target) { Share.of(thread: $0, threadCount: $1, target: $2) }
            expectNoFindings(verdict, "\(threads) threads, target \(target)")
        }
    }
}
