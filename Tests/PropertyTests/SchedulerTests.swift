import Pool
import PoolSupport
import TestSupport
import Testing

/// Distinct job targets for the scheduler harness: the fixed cases plus seeded random ones,
/// kept below 2^16 so that counting stays quick in a debug build.
func schedulerTargets(threadCount: Int, seed: UInt64, randomJobs: Int) -> [UInt64] {
    var generator = SplitMix64(seed: seed)
    var targets: [UInt64] = []
    let candidates = TargetCase.fixed.map { $0.value(threadCount: threadCount) }
        + (0..<randomJobs).map { _ in UInt64.random(in: 0 ..< (1 << 16), using: &generator) }
    for target in candidates where !targets.contains(target) { targets.append(target) }
    return targets
}

extension PropertyTests {
    @Suite("Schedulers, driven alone")
    struct SchedulerTests {
        static let policies: [SpinPolicy] = [.default, .parkImmediately]

        @Test("Each job's result is the sequential count; every worker claims it exactly once; stop ends every worker",
              arguments: SchedulerChoice.allCases, SeededRun.all)
        func jobsExactlyOnce(kind: SchedulerChoice, run: SeededRun) {
            let (threadCount, seed) = (run.threadCount, run.seed)
            for policy in Self.policies {
                let targets = schedulerTargets(threadCount: threadCount, seed: seed, randomJobs: 30)
                let verdict = withWatchdog(seconds: 60, "scheduler harness") {
                    SchedulerHarness.runJobs(kind.type, threadCount: threadCount, policy: policy, targets: targets)
                }
                expectNoFindings(verdict, "\(kind), \(threadCount) threads, seed \(seed), \(policy)")
            }
        }

        @Test("A stop reaches every waiting worker, spinning or parked", arguments: SchedulerChoice.allCases, [1, 2, 3, 7])
        func stopReachesWaiters(kind: SchedulerChoice, waiters: Int) {
            for policy in Self.policies {
                let verdict = withWatchdog(seconds: 60, "stop reach") {
                    SchedulerHarness.checkStopReachesWaiters(kind.type, waiters: waiters, policy: policy)
                }
                expectNoFindings(verdict, "\(kind), \(waiters) waiters, \(policy)")
            }
        }

        @Test("Parked workers are woken by the next job", arguments: SchedulerChoice.allCases, [1, 2, 3, 7])
        func parkedWorkersWake(kind: SchedulerChoice, workers: Int) {
            let verdict = withWatchdog(seconds: 60, "park and wake") {
                SchedulerHarness.checkParkedWorkersWake(kind.type, workers: workers, jobs: 5)
            }
            expectNoFindings(verdict, "\(kind), \(workers) parked workers")
        }
    }
}
