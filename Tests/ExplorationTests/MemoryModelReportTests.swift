#if Exploration
import Pool
@testable import StressKit
import Synchronization
import Testing

/// What the memory model reports: a data race on plain memory handed over without
/// synchronization (and none when a release/acquire pair hands it over), and a stale read
/// marked in the trace with the newer store it passed over.
@Suite("Exploration: the memory model's findings and traces", .serialized)
struct MemoryModelReportTests {
    /// Plain memory the race check watches: a pool's cell (`PaddedCell`), or the stress
    /// driver's witness data (`WitnessBoard`).
    enum PlainMemory: String, CaseIterable, Sendable {
        case cell = "a PaddedCell"
        case witnessSlot = "a witness slot"
    }

    /// Thread 1 writes the plain memory, then sets the flag (releasing, or relaxed:
    /// `releases`); thread 0 reads the memory once its acquiring load sees the flag.
    static func handOver(_ words: Words, releases: Bool, write: @escaping @Sendable () -> Void,
                         read: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        {
            words.reset()
            let writer = ControlledThread(1) {
                write()
                if releases {
                    words.first.store(1, ordering: .releasing)
                } else {
                    words.first.store(1, ordering: .relaxed)
                }
            }
            if words.first.load(ordering: .acquiring) == 1 { read() }
            writer.join()
        }
    }

    static func findings(releases: Bool, memory: PlainMemory) -> (schedules: Int, findings: [ExplorationFinding]) {
        let words = Words()
        defer { words.deallocate() }
        switch memory {
        case .cell:
            let cell = PaddedCell<UInt64>(0)
            defer { cell.deallocate() }
            return ExplorationHarness.countSchedules(bound: 3, Self.handOver(words, releases: releases,
                                                                             write: { cell.value = 42 }, read: { _ = cell.value }))
        case .witnessSlot:
            let board = WitnessBoard(threadCount: 2)
            return ExplorationHarness.countSchedules(bound: 3, Self.handOver(words, releases: releases,
                                                                             write: { board.write(thread: 1, job: 1, contribution: 42) },
                                                                             read: { _ = board.read(thread: 1) }))
        }
    }

    @Test("Plain memory handed over by a relaxed store is a data race naming both accesses", arguments: PlainMemory.allCases)
    func relaxedHandOverRaces(memory: PlainMemory) throws {
        try ExplorationHarness.lock.withLock { _ in
            let (_, findings) = Self.findings(releases: false, memory: memory)
            let finding = try #require(findings.first)
            #expect(finding.kind == .dataRace)
            #expect(finding.message.contains("thread 1 wrote it"))
            #expect(finding.message.contains("then thread 0 read it"))
        }
    }

    @Test("Plain memory handed over by a release store read by an acquire load is no race", arguments: PlainMemory.allCases)
    func releaseHandOverIsOrdered(memory: PlainMemory) {
        ExplorationHarness.lock.withLock { _ in
            let (schedules, findings) = Self.findings(releases: true, memory: memory)
            #expect(schedules > 1)
            #expect(findings.isEmpty, "\(findings.first?.message ?? "")")
        }
    }

    /// Thread 1 writes a cell and sets a relaxed flag; thread 0 reads the cell once it sees
    /// the flag. `told`: the two tell the model of a synchronization it does not schedule (as
    /// `FailureRecord`'s mutex and the driver's ledger do), which orders the hand-over.
    @Test("An unscheduled synchronization told to the model orders plain memory; untold, the same hand-over races",
          arguments: [true, false])
    func unscheduledSynchronization(told: Bool) throws {
        try ExplorationHarness.lock.withLock { _ in
            let cell = PaddedCell<UInt64>(0)
            let words = Words()
            defer {
                cell.deallocate()
                words.deallocate()
            }
            let token: UInt = 0xF00D
            let (schedules, findings) = ExplorationHarness.countSchedules(bound: 3) {
                words.reset()
                cell.value = 0
                let writer = ControlledThread(1) {
                    cell.value = 42
                    if told { Exploration.activeController?.happensBefore(token) }
                    words.first.store(1, ordering: .relaxed)
                }
                if words.first.load(ordering: .relaxed) == 1 {
                    if told { Exploration.activeController?.happensAfter(token) }
                    _ = cell.value
                }
                writer.join()
            }
            #expect(schedules > 1)
            if told {
                #expect(findings.isEmpty, "\(findings.first?.message ?? "")")
            } else {
                let finding = try #require(findings.first)
                #expect(finding.kind == .dataRace)
            }
        }
    }

    @Test("A stale read is a deviation of the schedule, marked in the trace with the newer store")
    func staleReadIsTraced() throws {
        try ExplorationHarness.lock.withLock { _ in
            let words = Words()
            defer { words.deallocate() }
            let explorer = ExplorationHarness.explorer(spuriousWakes: 0)
            // Thread 1 stores 1 while thread 0 loads the word, unsynchronized: once the store
            // has run, thread 0's load may still read the initial 0, a stale read.
            let body: @Sendable () -> Void = {
                words.reset()
                let writer = ControlledThread(1) { words.first.store(1, ordering: .relaxed) }
                _ = words.second.load(ordering: .relaxed)
                _ = words.first.load(ordering: .relaxed)
                writer.join()
            }
            let dfs = DFSStrategy(preemptionBound: 2, staleReadBound: 1)
            var traced: ScheduleResult?
            while traced == nil && dfs.beginSchedule(threads: 2) {
                let result = explorer.run(body: body, label: "stale read", strategy: dfs, tracing: true)
                if result.schedule.staleReads > 0 { traced = result }
            }
            let result = try #require(traced)
            let replayed = explorer.run(body: body, label: "stale read", strategy: {
                let replay = ReplayStrategy(result.schedule)
                _ = replay.beginSchedule(threads: 2)
                return replay
            }(), tracing: true)
            #expect(replayed.events == result.events)
            let line = try #require(result.events.map(\.line).first { $0.contains("was newer") })
            #expect(line.contains("load"))
            #expect(line.contains("read 0, the store of step"))
            #expect(line.contains("(1) was newer"))
            #expect(result.schedule.text.hasSuffix("."))
        }
    }
}
#endif
