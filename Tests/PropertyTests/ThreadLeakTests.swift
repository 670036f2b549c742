import Glibc
import Pool
import Testing

extension PropertyTests {
    /// Each case runs in its own process (an exit test), so the /proc/self/task census sees
    /// only that case's threads; `alarm` ends it if it hangs.
    @Suite("Threads do not leak")
    struct ThreadLeakTests {
        @Test("Hundreds of jobs back to back on one pool, then deinit: no thread left",
              arguments: SchedulerKind.allCases, [2, 4, 8])
        func backToBackJobs(kind: SchedulerKind, threadCount: Int) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [kind, threadCount] in
                HangGuard.arm(seconds: 60)
                HangGuard.finish(checkNoThreadLeak {
                    LeakChecks.backToBackJobs(kind.type, threadCount: threadCount, jobs: 300)
                })
            }
            expectChildPassed(result)
        }

        @Test("Pools created and destroyed in a loop: no thread left", arguments: SchedulerKind.allCases, [2, 4, 8])
        func poolsInALoop(kind: SchedulerKind, threadCount: Int) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [kind, threadCount] in
                HangGuard.arm(seconds: 60)
                HangGuard.finish(checkNoThreadLeak {
                    LeakChecks.poolsInALoop(kind.type, threadCount: threadCount, pools: 40)
                })
            }
            expectChildPassed(result)
        }
    }
}
