import Pool
import TestSupport
import Testing

/// The panic grader on runs that break the contract: it must report each. (The same
/// grader passes every run of the real pool in FailurePropagationTests.)
extension PanicTests {
    @Suite("The panic detector fires on broken runs")
    struct GraderTests {
        static let panic = PanicCase(kind: .futex, threadCount: 3, faults: [.probe(.beforeMerge, 1)])
        static let injected = InjectedFailure(point: .beforeMerge, thread: 1)

        static func job(_ outcome: JobRecord.Outcome, firedBefore: Int = 0, firedAfter: Int = 1, seconds: Double = 0.01) -> JobRecord {
            JobRecord(outcome: outcome, firedBefore: firedBefore, firedAfter: firedAfter, seconds: seconds)
        }

        static func run(_ jobs: [JobRecord], later: [JobRecord.Outcome] = [.threw(.stopped), .threw(.stopped)],
                        failure: (thread: Int, error: any Error)? = (1, injected)) -> FaultRun {
            var run = FaultRun(expectedResult: 307)
            run.jobs = jobs
            run.laterJobs = later.map { job($0) }
            run.failure = failure
            return run
        }

        @Test("The contract's run passes")
        func correctRun() {
            let verdict = gradeFaultRun(Self.run([Self.job(.threw(.threadFailed(thread: 1, underlying: Self.injected)))]), Self.panic)
            #expect(verdict.passed, "\(verdict)")
        }

        @Test("A job that succeeds although its fault fired before the contribution")
        func successDespiteFault() {
            let verdict = gradeFaultRun(Self.run([Self.job(.returned(307))]), Self.panic)
            #expect(verdict.contains(.wrongError), "\(verdict)")
        }

        @Test("An error naming the wrong thread, or the wrong error")
        func wrongThreadOrError() {
            let wrongThread = gradeFaultRun(Self.run([Self.job(.threw(.threadFailed(thread: 2, underlying: Self.injected)))]), Self.panic)
            #expect(wrongThread.contains(.wrongError), "\(wrongThread)")
            let wrongError = gradeFaultRun(Self.run([Self.job(.threw(.threadFailed(thread: 1, underlying: ShareFailure(thread: 1))))]), Self.panic)
            #expect(wrongError.contains(.wrongError), "\(wrongError)")
        }

        @Test("A later job that returns, or repeats threadFailed instead of .stopped")
        func laterJobNotStopped() {
            let failing = Self.job(.threw(.threadFailed(thread: 1, underlying: Self.injected)))
            let returned = gradeFaultRun(Self.run([failing], later: [.returned(307), .threw(.stopped)]), Self.panic)
            #expect(returned.contains(.wrongError), "\(returned)")
            let repeated = gradeFaultRun(Self.run([failing], later: [.threw(.threadFailed(thread: 1, underlying: Self.injected))]), Self.panic)
            #expect(repeated.contains(.wrongError), "\(repeated)")
        }

        @Test("A job that throws too late, and a fault that never fires")
        func slowOrNeverFired() {
            let slow = gradeFaultRun(Self.run([Self.job(.threw(.threadFailed(thread: 1, underlying: Self.injected)), seconds: 1e6)]), Self.panic)
            #expect(slow.contains(.timeout), "\(slow)")
            let never = gradeFaultRun(Self.run([Self.job(.returned(307), firedAfter: 0)], failure: nil), Self.panic)
            #expect(never.contains(.setup), "\(never)")
        }
    }
}
