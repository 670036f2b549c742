import Glibc
import Pool
import Testing
import TestSupport

/// Boundary states, started in: a sequence pool whose job sequence starts just below its
/// 31-bit wrap (the stop bit's neighbours, `PoolConfiguration.startingSequence`) runs jobs
/// across the wrap with right totals, never taking the wrap for a stop. Each case in a child
/// armed with an alarm, so that a job that never ends cannot hang the suite.
@Suite("Boundary states", .serialized)
struct BoundaryStartTests {
    @Test("A sequence pool started below the wrap runs jobs across it",
          arguments: [SequenceWords.sequenceMask, SequenceWords.sequenceMask - 1, SequenceWords.sequenceMask - 3, 1 << 30])
    func acrossTheWrap(start: UInt32) async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [start] in
            HangGuard.arm(seconds: 30)
            var verdict = CheckVerdict()
            var configuration = PoolConfiguration(threadCount: 3)
            configuration.startingSequence = start
            do {
                var pool = try CountingPool(configuration: configuration)
                for (index, target) in ([1, 1000, 7, 0, 64, 3] as [UInt64]).enumerated() {
                    let total = try pool.run(target: target)
                    if total != CountingWork.count(to: target) {
                        verdict.report(.wrongResult, "job \(index) from sequence \(start): total \(total) for target \(target)")
                    }
                }
                let word = pool.scheduler.diagnostics
                if word.stopped || UInt32(word.word) != (start &+ 6) & SequenceWords.sequenceMask {
                    verdict.report(.wrongResult, "after 6 jobs from \(start) the job word is \(word.word), stopped \(word.stopped)")
                }
                try pool.shutdown()
            } catch {
                verdict.report(.wrongResult, "a job across the wrap from \(start) threw \(error)")
            }
            HangGuard.finish(verdict)
        }
        expectChildPassed(result)
    }
}
