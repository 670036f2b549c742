import Pool
import TestSupport
import Testing

extension PropertyTests {
    @Suite("The pool")
    struct PoolTests {
        @Test("A job's result equals the sequential result; every worker claims each job exactly once",
              arguments: SchedulerChoice.allCases, SizedTarget.all)
        func resultsAndClaims(kind: SchedulerChoice, size: SizedTarget) {
            let (threadCount, target) = (size.threadCount, size.target)
            let value = target.value(threadCount: threadCount)
            let verdict = withWatchdog(seconds: 60, "pool jobs") {
                PoolChecks.runJobs(kind.type, SpinLockReducer.self, threadCount: threadCount, policy: .default,
                                   targets: [value], repetitions: 20)
            }
            expectNoFindings(verdict, "\(kind), \(threadCount) threads, target \(value)")
        }

        @Test("Parked workers are woken by the next job (zero-spin policy)", arguments: SchedulerChoice.allCases, [2, 3, 8])
        func parkedWorkersWake(kind: SchedulerChoice, threadCount: Int) {
            let targets = TargetCase.fixed.map { $0.value(threadCount: threadCount) } + [1 << 16]
            let verdict = withWatchdog(seconds: 60, "pool park and wake") {
                PoolChecks.runJobs(kind.type, SpinLockReducer.self, threadCount: threadCount, policy: .parkImmediately,
                                   targets: targets, repetitions: 3, waitsForParkedWorkers: true)
            }
            expectNoFindings(verdict, "\(kind), \(threadCount) threads")
        }

        @Test("Sums at the UInt64 bound succeed; past it the job throws ReductionOverflow, never wraps",
              arguments: SchedulerChoice.allCases, threadCounts)
        func overflowBoundary(kind: SchedulerChoice, threadCount: Int) {
            let excesses = threadCount == 1 ? [-2, -1, 0] : [-2, -1, 0, 1, 2, threadCount]
            for excess in excesses {
                let verdict = withWatchdog(seconds: 30, "overflow boundary") {
                    PoolChecks.checkOverflowBoundary(kind.type, SpinLockReducer.self, threadCount: threadCount, excess: excess)
                }
                expectNoFindings(verdict, "\(kind), \(threadCount) threads, UInt64.max + \(excess)")
            }
        }
    }
}
