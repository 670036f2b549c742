import Pool
import Testing

extension PanicTests {
    /// Each case runs in its own process: `alarm` ends a hang, and the /proc/self/task census
    /// after the pool's deinit sees only this case's threads.
    @Suite("Failures propagate: the job throws, later jobs stop, the pool joins")
    struct FailurePropagationTests {
        @Test("A share throws, on each thread index", arguments: PanicCase.throwingShares)
        func throwingShare(_ panic: PanicCase) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [panic] in
                HangGuard.arm(seconds: 30)
                HangGuard.finish(checkNoThreadLeak { FaultScenario.run(panic) })
            }
            expectChildPassed(result)
        }

        @Test("A probe throws, at each probe point", arguments: PanicCase.probeFaults)
        func throwingProbe(_ panic: PanicCase) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [panic] in
                HangGuard.arm(seconds: 30)
                HangGuard.finish(checkNoThreadLeak { FaultScenario.run(panic) })
            }
            expectChildPassed(result)
        }

        @Test("Several faults at once", arguments: PanicCase.severalFaults)
        func severalFaults(_ panic: PanicCase) async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [panic] in
                HangGuard.arm(seconds: 30)
                HangGuard.finish(checkNoThreadLeak { FaultScenario.run(panic) })
            }
            expectChildPassed(result)
        }
    }
}
