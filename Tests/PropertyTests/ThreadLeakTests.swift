import Glibc
import Pool
import TestSupport
import Testing

extension PropertyTests {
    /// Each case runs in its own process (an exit test), so the /proc/self/task census sees
    /// only that case's threads; `alarm` ends it if it hangs.
    @Suite("Threads do not leak")
    struct ThreadLeakTests {
        /// Hundreds of jobs back to back on one pool, then its deinit; or pools created,
        /// used and destroyed in a loop.
        enum Scenario: String, CaseIterable, Codable, Sendable {
            case backToBackJobs
            case poolsInALoop
        }

        @Test("No thread outlives its pool",
              arguments: Scenario.allCases, PoolShape.all(threadCounts: [2, 4, 8]))
        func noThreadLeft(scenario: Scenario, pool: PoolShape) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [scenario, pool] in
                let (kind, threadCount) = (pool.kind, pool.threadCount)
                HangGuard.arm(seconds: 60)
                HangGuard.finish(checkNoThreadLeak {
                    switch scenario {
                    case .backToBackJobs: LeakChecks.backToBackJobs(kind.type, threadCount: threadCount, jobs: 300)
                    case .poolsInALoop: LeakChecks.poolsInALoop(kind.type, threadCount: threadCount, pools: 40)
                    }
                })
            }
            expectChildPassed(result)
        }
    }
}
