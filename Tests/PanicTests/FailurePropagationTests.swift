import Pool
import TestSupport
import Testing

extension PanicTests {
    /// Each case runs in its own process: `alarm` ends a hang, and the /proc/self/task census
    /// after the pool's deinit sees only this case's threads.
    @Suite("Failures propagate: the job throws, later jobs stop, the pool joins")
    struct FailurePropagationTests {
        /// A share throws on each thread index of each pool size; a probe throws at each
        /// probe point (but stopRaised) on each thread that passes it; several at once.
        static let cases = PanicCase.throwingShares + PanicCase.probeFaults + PanicCase.severalFaults

        @Test("A share or a probe throws, alone or with others", arguments: cases)
        func faultPropagates(_ panic: PanicCase) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [panic] in
                HangGuard.arm(seconds: 30)
                HangGuard.finish(checkNoThreadLeak { FaultScenario.run(panic) })
            }
            expectChildPassed(result)
        }
    }
}
