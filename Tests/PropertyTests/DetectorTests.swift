import Glibc
import Pool
import TestSupport
import Testing

/// Each detector of this target, run on a deliberately broken building block: it must
/// report the defect, with the right finding. (The same checkers pass the real ones.)
extension PropertyTests {
    @Suite("Detectors fire on broken variants")
    struct DetectorTests {
        @Test("Share detector: a split that gives the whole remainder to the last thread")
        func unevenShares() {
            let verdict = checkShares(threadCount: 4, target: 7) { thread, threads, target in
                let base = target / UInt64(threads)
                let count = thread == threads - 1 ? target - base * UInt64(threads - 1) : base
                return Share(thread: thread, threadCount: threads, offset: UInt64(thread) * base, count: count)
            }
            expectFinding(.badShares, in: verdict, "remainder to the last thread")
        }

        @Test("Reducer detectors: each flawed reducer is caught for the right reason",
              arguments: [ReducerFlaw.dropsThreadOne, .everyoneReceivesTotal, .decrementsTwice, .wrapsOnOverflow], [2, 4])
        func flawedReducer(flaw: ReducerFlaw, threadCount: Int) throws {
            let finding = try #require(flaw.expectedFinding)
            // Rounds whose sums fit, then sums at and past UInt64.max (for the wrap).
            let rounds = reducerRounds(threadCount: threadCount, seed: 1, randomRounds: 10)
            // A flawed reducer may hand out a total before every witness is written: only
            // the sound-ordering flaw reads them, so the others fail by value, not by TSan.
            let verdict = withWatchdog(seconds: 60, "flawed reducer") {
                ReducerHarness.run(flaw.reducerType, rounds: rounds, readsWitnesses: flaw == .dropsThreadOne)
            }
            expectFinding(finding, in: verdict, "\(flaw.rawValue), \(threadCount) threads")
        }

        @Test("Pool-level detectors: a pool built on a flawed reducer", arguments: [2, 4])
        func poolWithFlawedReducer(threadCount: Int) {
            let lost = withWatchdog(seconds: 60, "pool with a reducer that loses a contribution") {
                PoolChecks.runJobs(FutexScheduler.self, FlawedReducer<DropsThreadOne>.self, threadCount: threadCount,
                                   policy: .default, targets: [100, 1000], repetitions: 2)
            }
            expectFinding(.wrongResult, in: lost, "lost contribution")
            let wrapped = withWatchdog(seconds: 60, "pool with a reducer that wraps") {
                PoolChecks.checkOverflowBoundary(FutexScheduler.self, FlawedReducer<WrapsOnOverflow>.self,
                                                 threadCount: threadCount, excess: 1)
            }
            expectFinding(.silentWrap, in: wrapped, "wrap past UInt64.max")
        }

        @Test("Exactly-once detector: a scheduler that lets worker 1 process a job twice", arguments: [2, 4])
        func doubleProcessing(threadCount: Int) {
            let verdict = withWatchdog(seconds: 60, "broken scheduler") {
                SchedulerHarness.runJobs(ReplayingScheduler.self, threadCount: threadCount, policy: .default,
                                         targets: [10, 20, 30], seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.doubleProcessing, in: verdict, "replayed claim")
        }

        @Test("Stop-reach detector: a scheduler whose stop wakes nobody", arguments: [1, 3])
        func silentStop(waiters: Int) {
            let verdict = withWatchdog(seconds: 60, "broken scheduler") {
                SchedulerHarness.checkStopReachesWaiters(SilentStopScheduler.self, waiters: waiters,
                                                         policy: .parkImmediately, seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.stopNotReached, in: verdict, "stop without wake")
        }

        @Test("Parked-woken detector: a scheduler whose workers park on a word start never wakes", arguments: [1, 3])
        func lostWakeUp(workers: Int) {
            let verdict = withWatchdog(seconds: 60, "broken scheduler") {
                SchedulerHarness.checkParkedWorkersWake(WrongWordScheduler.self, workers: workers, jobs: 2, seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.parkedNotWoken, in: verdict, "wrong futex word")
        }

        @Test("Thread-leak detector: a pool that is never destroyed")
        func leakedPool() async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
                HangGuard.arm(seconds: 30)
                HangGuard.finish(checkNoThreadLeak(settleSeconds: TestTiming.oneRealSecond) { LeakChecks.leakedPool(threadCount: 3) })
            }
            let verdict = childVerdict(result) ?? ""
            #expect(verdict.contains("[\(Finding.threadLeak.rawValue)]"), "child's verdict: \(verdict)")
        }

        /// ThreadSanitizer is the detector here: every value is right, only the ordering is
        /// missing. Run it with
        /// `POOL_EXPECT_TSAN_REPORT=1 swift test --sanitize=thread --scratch-path .build-tsan-tests --filter relaxedPublicationIsReportedByTSan`
        /// and expect a "data race" report on the witness memory and a non-zero exit.
        @Test("TSan witness detector: a reducer that publishes with relaxed ordering",
              .enabled(if: getenv("POOL_EXPECT_TSAN_REPORT").map { String(cString: $0) == "1" } ?? false,
                       "shows a ThreadSanitizer report; set POOL_EXPECT_TSAN_REPORT=1 under --sanitize=thread"))
        func relaxedPublicationIsReportedByTSan() {
            let rounds = reducerRounds(threadCount: 2, seed: 4, randomRounds: 200)
            let verdict = withWatchdog(seconds: 120, "relaxed reducer") {
                ReducerHarness.run(FlawedReducer<RelaxedPublication>.self, rounds: rounds)
            }
            expectNoFindings(verdict, "values stay right; only TSan sees the missing ordering")
        }
    }
}
