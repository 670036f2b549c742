import Glibc
import Canaries
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

        /// The reducer canaries the property tests must catch, with the finding each one must
        /// raise. Each is a real reducer (`SpinLockReducer`, `SlotReducer`) with one step broken
        /// (`Sources/Canaries`).
        static let reducerCanaries: [(Canary, Finding)] = [
            (.dropsContribution, .wrongResult), (.everyThreadReceivesTotal, .totalNotExactlyOnce),
            (.doubleDecrement, .countUnderflow), (.wrappingSum, .silentWrap),
            (.wrappingGather, .silentWrap),
        ]

        @Test("Reducer detectors: each reducer canary is caught for the right reason",
              arguments: reducerCanaries.map(\.0), [2, 4])
        func reducerCanary(canary: Canary, threadCount: Int) throws {
            let finding = try #require(Self.reducerCanaries.first { $0.0 == canary }?.1)
            let reducer = try #require(canary.reducerType)
            // Rounds whose sums fit, then sums at and past UInt64.max (for the wrap).
            let rounds = reducerRounds(threadCount: threadCount, seed: 1, randomRounds: 100)
            // A broken reducer may hand out a total before every witness is written: only the
            // one that drops a contribution reads them, so the others fail by value, not by TSan.
            let verdict = withWatchdog(seconds: 60, "reducer canary") {
                ReducerHarness.run(reducer, rounds: rounds, readsWitnesses: canary == .dropsContribution)
            }
            expectFinding(finding, in: verdict, "\(canary.rawValue), \(threadCount) threads")
        }

        /// `early-gather` reads a slot's plain contribution while the slot's thread writes it: a
        /// data race by design, which ThreadSanitizer reports as it should. `scripts/tsan.sh`
        /// requires a test run free of reports, so this one runs without TSan only; the stress
        /// self-test hunts the canary in every build.
        @Test("Reducer detectors: early-gather, which sums the slots before they are in",
              .disabled(if: TestTiming.isThreadSanitizerActive, "a data race by design: TSan would report the canary itself"),
              arguments: [2, 4])
        func earlyGather(threadCount: Int) {
            let rounds = reducerRounds(threadCount: threadCount, seed: 1, randomRounds: 100)
            // The last worker merges only after the caller's own merge, so the early gather
            // reads its slot before it is written in every round, on a loaded machine too.
            let verdict = withWatchdog(seconds: 60, "early-gather") {
                ReducerHarness.run(SlotReducerWith<EarlyGather>.self, rounds: rounds, readsWitnesses: false,
                                   lastWorkerMergesAfterCaller: true)
            }
            expectFinding(.wrongResult, in: verdict, "early-gather, \(threadCount) threads")
            // The same schedule passes the real reducer: the finding is the canary's.
            let real = withWatchdog(seconds: 60, "slot reducer, last worker after the caller") {
                ReducerHarness.run(SlotReducer.self, rounds: rounds, lastWorkerMergesAfterCaller: true)
            }
            #expect(real.passed, "the real slot reducer failed the same schedule: \(real)")
        }

        /// (`early-gather` is caught by the reducer harness and the stress driver, not here: a
        /// caller that returns before its workers are done starts the next job under them, and
        /// the scheduler's own precondition ends the process.)
        @Test("Pool-level detectors: a pool built on a slot-reducer canary", arguments: [2, 4])
        func poolWithSlotReducerCanary(threadCount: Int) {
            let wrapped = withWatchdog(seconds: 60, "pool with a gather that wraps") {
                PoolChecks.checkOverflowBoundary(SequenceScheduler.self, SlotReducerWith<WrappingGather>.self,
                                                 threadCount: threadCount, excess: 1)
            }
            expectFinding(.silentWrap, in: wrapped, "wrap past UInt64.max")
        }

        @Test("Pool-level detectors: a pool built on a reducer canary", arguments: [2, 4])
        func poolWithReducerCanary(threadCount: Int) {
            let lost = withWatchdog(seconds: 60, "pool with a reducer that drops a contribution") {
                PoolChecks.runJobs(FutexScheduler.self, SpinLockReducerWith<DropsContribution>.self, threadCount: threadCount,
                                   policy: .default, targets: [100, 1000], repetitions: 2)
            }
            expectFinding(.wrongResult, in: lost, "lost contribution")
            let wrapped = withWatchdog(seconds: 60, "pool with a reducer that wraps") {
                PoolChecks.checkOverflowBoundary(FutexScheduler.self, SpinLockReducerWith<WrappingSum>.self,
                                                 threadCount: threadCount, excess: 1)
            }
            expectFinding(.silentWrap, in: wrapped, "wrap past UInt64.max")
        }

        @Test("Exactly-once detector: double-claim, with a worker held before its claim", arguments: [3, 4])
        func doubleClaim(threadCount: Int) {
            let verdict = withWatchdog(seconds: 60, "double-claim") {
                SchedulerHarness.checkClaimsWithHeldWorker(FutexSchedulerWith<DoubleClaim>.self, threadCount: threadCount,
                                                           holdSeconds: TestTiming.oneRealSecond)
            }
            expectFinding(.doubleProcessing, in: verdict, "a fast worker claims the held worker's task")
        }

        @Test("Exactly-once detector, control: the real scheduler under the same held worker", arguments: [3, 4])
        func heldWorkerControl(threadCount: Int) {
            let verdict = withWatchdog(seconds: 60, "held worker, real scheduler") {
                SchedulerHarness.checkClaimsWithHeldWorker(FutexScheduler.self, threadCount: threadCount,
                                                           holdSeconds: TestTiming.oneRealSecond)
            }
            expectNoFindings(verdict, "waitForStarted keeps the others from claiming twice")
        }

        @Test("Stop-reach detector: silent-stop, whose stop wakes nobody", arguments: [1, 3])
        func silentStop(waiters: Int) {
            let verdict = withWatchdog(seconds: 60, "silent-stop") {
                SchedulerHarness.checkStopReachesWaiters(FutexSchedulerWith<SilentStop>.self, waiters: waiters,
                                                         policy: .parkImmediately, seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.stopNotReached, in: verdict, "stop without wake")
        }

        @Test("Parked-woken detector: wrong-word, whose workers park on a word start never wakes", arguments: [1, 3])
        func wrongWord(workers: Int) {
            let verdict = withWatchdog(seconds: 60, "wrong-word") {
                SchedulerHarness.checkParkedWorkersWake(FutexSchedulerWith<WrongWord>.self, workers: workers, jobs: 2,
                                                        seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.parkedNotWoken, in: verdict, "wrong futex word")
        }

        @Test("Parked-woken detector: unwoken-job, whose start wakes no parked worker", arguments: [1, 3])
        func unwokenJob(workers: Int) {
            let verdict = withWatchdog(seconds: 60, "unwoken-job") {
                SchedulerHarness.checkParkedWorkersWake(SequenceSchedulerWith<UnwokenJob>.self, workers: workers, jobs: 2,
                                                        seconds: TestTiming.oneRealSecond)
            }
            expectFinding(.parkedNotWoken, in: verdict, "no wake after publishing")
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
        @Test("TSan witness detector: relaxed-publication, whose count is stored relaxed",
              .enabled(if: getenv("POOL_EXPECT_TSAN_REPORT").map { String(cString: $0) == "1" } ?? false,
                       "shows a ThreadSanitizer report; set POOL_EXPECT_TSAN_REPORT=1 under --sanitize=thread"))
        func relaxedPublicationIsReportedByTSan() {
            let rounds = reducerRounds(threadCount: 2, seed: 4, randomRounds: 200)
            let verdict = withWatchdog(seconds: 120, "relaxed reducer") {
                ReducerHarness.run(SpinLockReducerWith<RelaxedPublication>.self, rounds: rounds)
            }
            expectNoFindings(verdict, "values stay right; only TSan sees the missing ordering")
        }

        /// The same for the slot reducer: run it with
        /// `POOL_EXPECT_TSAN_REPORT=1 swift test --sanitize=thread --scratch-path .build-tsan-tests --filter relaxedSlotIsReportedByTSan`
        /// and expect a "data race" report on a slot's contribution and a non-zero exit.
        @Test("TSan witness detector: relaxed-slot, whose slot is published relaxed",
              .enabled(if: getenv("POOL_EXPECT_TSAN_REPORT").map { String(cString: $0) == "1" } ?? false,
                       "shows a ThreadSanitizer report; set POOL_EXPECT_TSAN_REPORT=1 under --sanitize=thread"))
        func relaxedSlotIsReportedByTSan() {
            let rounds = reducerRounds(threadCount: 2, seed: 4, randomRounds: 200)
            let verdict = withWatchdog(seconds: 120, "relaxed slot") {
                ReducerHarness.run(SlotReducerWith<RelaxedSlot>.self, rounds: rounds)
            }
            expectNoFindings(verdict, "values stay right; only TSan sees the missing ordering")
        }
    }
}
