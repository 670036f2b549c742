import Glibc
@testable import StressKit
import Synchronization
import Testing

/// The driver's per-job books are exact under any interleaving: an event is counted against
/// the job its thread was in, however late it comes, and a violation says what was counted.
/// Each case feeds the stress probe a sequence of events on one thread, in the order a real
/// interleaving produced them, inside a child process (a violation ends the process).
@Suite("Job ledger: exact per-job accounting")
struct JobLedgerTests {
    /// Job `number` run on the caller alone, as the driver books it.
    static func callerAloneJob(_ record: ProbeRecord, number: UInt64) {
        record.beginJob(number: number, index: Int(number - 1), target: 0, refusal: false)
        record.jobReturned()
    }

    /// The interleaving that exploration found (`--scenario basic+slot:2:1,0,0,0,1`, DFS):
    /// worker 1 publishes its slot for job 1 and is preempted before its decrement probe;
    /// the caller gathers job 1, runs jobs 2-4 on its own and opens job 5, whose ring entry
    /// is job 1's; only then does the worker's decrement of job 1 come. Counted by ring entry
    /// alone, it went to job 5, whose own second decrement then looked like an underflow.
    @Test("A decrement that comes after its job's entry was reused counts for its own job, not the new one")
    func lateDecrementIsNotCountedAgainstALaterJob() async {
        await #expect(processExitsWith: .success) {
            alarm(60)
            let record = ProbeRecord(context: CoverageTests.context(), episode: 0, threadCount: 2, noiseLevel: 0, seed: 1)
            let probe = StressProbe(record: record)
            record.beginJob(number: 1, index: 0, target: 1, refusal: false)
            try probe.reach(.taskClaimed, thread: 1, value: 1)
            try probe.reach(.countDecremented, thread: 0, value: 0)
            record.jobReturned()
            for number: UInt64 in 2...4 { Self.callerAloneJob(record, number: number) }
            record.beginJob(number: 5, index: 4, target: 1, refusal: false)
            try probe.reach(.countDecremented, thread: 1, value: 0)   // late: job 1's
            try probe.reach(.countDecremented, thread: 0, value: 0)
            try probe.reach(.taskClaimed, thread: 1, value: 1)
            try probe.reach(.countDecremented, thread: 1, value: 0)
            let summary = record.ledger.decrementSummary(ofJob: 5, count: 2)
            exit(summary == "2 decrements recorded for job 5: threads 0, 1" ? 0 : 9)
        }
    }

    /// A 3-thread pool's probe with job 1 (target 9) open and claimed by both workers.
    static func claimedThreeThreadJob() throws -> StressProbe {
        let record = ProbeRecord(context: CoverageTests.context(), episode: 0, threadCount: 3, noiseLevel: 0, seed: 1)
        let probe = StressProbe(record: record)
        record.beginJob(number: 1, index: 0, target: 9, refusal: false)
        try probe.reach(.taskClaimed, thread: 1, value: 9)
        try probe.reach(.taskClaimed, thread: 2, value: 9)
        return probe
    }

    @Test("A thread that decrements twice in one job is a violation that names every decrement counted")
    func doubleDecrementIsNamed() async {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) {
            alarm(60)
            let probe = try Self.claimedThreeThreadJob()
            try probe.reach(.countDecremented, thread: 0, value: 2)
            try probe.reach(.countDecremented, thread: 1, value: 1)
            try probe.reach(.countDecremented, thread: 1, value: 0)
            exit(0)
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("thread 1 decremented the count twice in job 1 (3 decrements recorded for job 1: threads 0, 1, 1)"),
                "\(standardError.suffix(1500))")
    }

    @Test("A job quiesced with a decrement missing says which threads decremented")
    func missingDecrementIsNamed() throws {
        let probe = try Self.claimedThreeThreadJob()
        let record = probe.record
        try probe.reach(.countDecremented, thread: 2, value: 2)
        try probe.reach(.countDecremented, thread: 0, value: 1)
        record.ledger.countReceiver(ofJob: 1).map { #expect($0 == 1) }
        let finding = try #require(record.checkQuiescedJob(number: 1))
        #expect(finding.0 == .invariant)
        #expect(finding.1 == "job 1: 2 decrements recorded for job 1: threads 2, 0; each of its 3 threads must decrement once")
    }

    @Test("A tally counts only events of the job it names")
    func taggedTally() {
        let tally = Atomic<UInt64>(TaggedTally.empty(job: 7))
        #expect(TaggedTally.increment(tally, job: 7, releasing: false) == 1)
        #expect(TaggedTally.increment(tally, job: 3, releasing: true) == nil)
        #expect(TaggedTally.increment(tally, job: 8, releasing: false) == nil)
        #expect(TaggedTally.count(tally.load(ordering: .relaxed), job: 7) == 1)
        #expect(TaggedTally.count(tally.load(ordering: .relaxed), job: 8) == nil)
        #expect(TaggedTally.thread(inLogWord: TaggedTally.logWord(job: 7, thread: 4), job: 7) == 4)
        #expect(TaggedTally.thread(inLogWord: TaggedTally.logWord(job: 7, thread: 4), job: 11) == nil)
        #expect(TaggedTally.thread(inLogWord: 0, job: 0) == nil)
    }
}
