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
    /// Thread 1 writes a plain cell, then sets the flag (releasing, or relaxed: `releases`);
    /// thread 0 reads the cell once its acquiring load sees the flag.
    static func handOver(_ cell: PaddedCell<UInt64>, _ words: Words, releases: Bool) -> @Sendable () -> Void {
        {
            words.reset()
            cell.value = 0
            let writer = ControlledThread(1) {
                cell.value = 42
                if releases {
                    words.first.store(1, ordering: .releasing)
                } else {
                    words.first.store(1, ordering: .relaxed)
                }
            }
            if words.first.load(ordering: .acquiring) == 1 { _ = cell.value }
            writer.join()
        }
    }

    static func findings(releases: Bool) -> (schedules: Int, findings: [ExplorationFinding]) {
        let cell = PaddedCell<UInt64>(0)
        let words = Words()
        defer {
            cell.deallocate()
            words.deallocate()
        }
        return ExplorationHarness.countSchedules(bound: 3, Self.handOver(cell, words, releases: releases))
    }

    @Test("Plain memory handed over by a relaxed store is a data race naming both accesses")
    func relaxedHandOverRaces() throws {
        try ExplorationHarness.lock.withLock { _ in
            let (_, findings) = Self.findings(releases: false)
            let finding = try #require(findings.first)
            #expect(finding.kind == .dataRace)
            #expect(finding.message.contains("thread 1 wrote it"))
            #expect(finding.message.contains("then thread 0 read it"))
        }
    }

    @Test("Plain memory handed over by a release store read by an acquire load is no race")
    func releaseHandOverIsOrdered() {
        ExplorationHarness.lock.withLock { _ in
            let (schedules, findings) = Self.findings(releases: true)
            #expect(schedules > 1)
            #expect(findings.isEmpty, "\(findings.first?.message ?? "")")
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
