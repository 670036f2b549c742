import Pool
import TestSupport
import Testing

extension PropertyTests {
    @Suite("The pool")
    struct PoolTests {
        @Test("A job's result equals the sequential result; every worker claims each job exactly once",
              arguments: PoolBlocks.all, SizedTarget.all)
        func resultsAndClaims(blocks: PoolBlocks, size: SizedTarget) {
            let (threadCount, target) = (size.threadCount, size.target)
            let value = target.value(threadCount: threadCount)
            let verdict = withWatchdog(seconds: 60, "pool jobs") {
                PoolChecks.runJobs(blocks.scheduler.type, blocks.reducer.type, threadCount: threadCount, policy: .default,
                                   targets: [value], repetitions: 20)
            }
            expectNoFindings(verdict, "\(blocks), \(threadCount) threads, target \(value)")
        }

        @Test("Parked workers are woken by the next job (zero-spin policy)", arguments: PoolBlocks.all, [2, 3, 8])
        func parkedWorkersWake(blocks: PoolBlocks, threadCount: Int) {
            let targets = TargetCase.fixed.map { $0.value(threadCount: threadCount) } + [1 << 16]
            let verdict = withWatchdog(seconds: 60, "pool park and wake") {
                PoolChecks.runJobs(blocks.scheduler.type, blocks.reducer.type, threadCount: threadCount, policy: .parkImmediately,
                                   targets: targets, repetitions: 3, waitsForParkedWorkers: true)
            }
            expectNoFindings(verdict, "\(blocks), \(threadCount) threads")
        }

        @Test("Sums at the UInt64 bound succeed; past it the job throws ReductionOverflow, never wraps",
              arguments: PoolBlocks.all, threadCounts)
        func overflowBoundary(blocks: PoolBlocks, threadCount: Int) {
            let excesses = threadCount == 1 ? [-2, -1, 0] : [-2, -1, 0, 1, 2, threadCount]
            for excess in excesses {
                let verdict = withWatchdog(seconds: 30, "overflow boundary") {
                    PoolChecks.checkOverflowBoundary(blocks.scheduler.type, blocks.reducer.type, threadCount: threadCount, excess: excess)
                }
                expectNoFindings(verdict, "\(blocks), \(threadCount) threads, UInt64.max + \(excess)")
            }
        }
    }
}
