import Glibc
import Pool
import Testing
import TestSupport

/// Boundary states, started in: a sequence pool whose job sequence starts just below its
/// 31-bit wrap (the stop bit's neighbours, `PoolConfiguration.startingSequence`), and a slot
/// reducer whose job numbers start just below `UInt64.max` (`startingSlotJob`), run jobs
/// across the wrap with right totals, never taking the wrap for a stop. Each case in a child
/// armed with an alarm, so that a job that never ends cannot hang the suite.
@Suite("Boundary states", .serialized)
struct BoundaryStartTests {
    static let targets: [UInt64] = [1, 1000, 7, 0, 64, 3]

    /// In the child: a 3-thread `CountingPool` started at `sequence` or `slotJob` runs
    /// `targets`; the totals must be right and the counter must have moved by one per job.
    static func runAcrossTheWrap(sequence: UInt32?, slotJob: UInt64?) -> Never {
        HangGuard.arm(seconds: 30)
        var verdict = CheckVerdict()
        var configuration = PoolConfiguration(threadCount: 3)
        configuration.startingSequence = sequence
        configuration.startingSlotJob = slotJob
        let start = sequence.map { "sequence \($0)" } ?? slotJob.map { "slot job \($0)" } ?? "0"
        do {
            var pool = try CountingPool(configuration: configuration)
            for (index, target) in targets.enumerated() {
                let total = try pool.run(target: target)
                if total != CountingWork.count(to: target) {
                    verdict.report(.wrongResult, "job \(index) from \(start): total \(total) for target \(target)")
                }
            }
            let jobs = UInt64(targets.count)
            if let sequence {
                let word = pool.scheduler.diagnostics
                if word.stopped || UInt32(word.word) != (sequence &+ UInt32(jobs)) & SequenceWords.sequenceMask {
                    verdict.report(.wrongResult, "after \(jobs) jobs from \(start) the job word is \(word.word), stopped \(word.stopped)")
                }
            }
            if let slotJob {
                // relaxed: a snapshot; every worker's slot store was acquired by the gathers.
                let job = pool.reducer.words.job.pointer.pointee.load(ordering: .relaxed)
                if job != slotJob &+ jobs {
                    verdict.report(.wrongResult, "after \(jobs) jobs from \(start) the caller's job count is \(job), not \(slotJob &+ jobs)")
                }
            }
            try pool.shutdown()
        } catch {
            verdict.report(.wrongResult, "a job across the wrap from \(start) threw \(error)")
        }
        HangGuard.finish(verdict)
    }

    @Test("A sequence pool started below the wrap runs jobs across it",
          arguments: [SequenceWords.sequenceMask, SequenceWords.sequenceMask - 1, SequenceWords.sequenceMask - 3, 1 << 30])
    func acrossTheWrap(start: UInt32) async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [start] in
            Self.runAcrossTheWrap(sequence: start, slotJob: nil)
        }
        expectChildPassed(result)
    }

    @Test("A slot reducer started below UInt64.max runs jobs across its job numbers' wrap",
          arguments: [UInt64.max, UInt64.max - 1, UInt64.max - 3, 1 << 40])
    func slotJobsAcrossTheWrap(start: UInt64) async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) { [start] in
            Self.runAcrossTheWrap(sequence: nil, slotJob: start)
        }
        expectChildPassed(result)
    }
}
