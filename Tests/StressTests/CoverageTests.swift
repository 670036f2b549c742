import Glibc
import Pool
import StressKit
import Testing

/// Protocol-race coverage: the one list (`ProtocolRace`) matches docs/PROTOCOL.md; the
/// probe classifies what it sees into the right races; the report marks "never seen" and
/// "n/a" correctly; `--require-coverage` exits 4, for a run and for `stress summarize`.
@Suite("Protocol-race coverage", .serialized)
struct CoverageTests {
    // MARK: the list and the document

    @Test("Each race's counter index is its position in allCases")
    func ordinals() {
        // RaceCounters indexes counters by the case's tag byte; this pins the assumption.
        for (position, race) in ProtocolRace.allCases.enumerated() {
            #expect(withUnsafeBytes(of: race) { Int($0[0]) } == position, "\(race)")
        }
    }

    /// The rows of PROTOCOL.md's "Protocol races" tables: (Swift name, report name).
    static func documentedRaces() throws -> [(name: String, reported: String)] {
        let text = try #require(FileAccess.readText(DocsCheckTests.repository + "/docs/PROTOCOL.md"))
        let section = try #require(text.firstRange(of: "\n## Protocol races\n")).upperBound
        var rows: [(String, String)] = []
        for line in text[section...].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { cell in String(cell.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            rows.append((String(cells[0].dropFirst().dropLast()), cells[1]))
        }
        return rows
    }

    @Test("docs/PROTOCOL.md lists every race, under its Swift name and its report name, and no other")
    func documented() throws {
        let documented = try Self.documentedRaces()
        #expect(documented.map(\.name) == ProtocolRace.allCases.map { "\($0)" })
        #expect(documented.map(\.reported) == ProtocolRace.allCases.map(\.rawValue))
    }

    // MARK: classification, through the stress probe

    static func context(_ arguments: [String] = ["--threads", "1-3"]) -> RunContext {
        RunContext(options: (try? StressOptions.parse(arguments)) ?? StressOptions(), seed: 1, callerThreads: 1)
    }

    static func count(_ race: ProtocolRace, in record: ProbeRecord) -> UInt64 {
        record.raceTotals[ProtocolRace.allCases.firstIndex(of: race)!]
    }

    /// One 2-thread job as the probe sees it: the worker parked once before its claim, the
    /// caller merges first under the lock, the worker last on the fast path.
    static func parkedJob(_ probe: StressProbe, job: UInt64, target: UInt64) throws {
        probe.record.beginJob(number: job, index: Int(job - 1), target: target, refusal: false)
        try probe.reach(.beforePark, thread: 1, value: 0)
        try probe.reach(.afterWake, thread: 1, value: 0)
        try probe.reach(.taskClaimed, thread: 1, value: target)
        try probe.reach(.jobStarted, thread: 0, value: target)
        try probe.reach(.shareDone, thread: 0, value: 0)
        try probe.reach(.beforeMerge, thread: 0, value: 0)
        try probe.reach(.lockTaken, thread: 0, value: 0)
        try probe.reach(.countDecremented, thread: 0, value: 1)
        try probe.reach(.lockReleasing, thread: 0, value: 0)
        try probe.reach(.shareDone, thread: 1, value: 0)
        try probe.reach(.allTasksClaimed, thread: 1, value: 0)
        try probe.reach(.beforeMerge, thread: 1, value: 0)
        try probe.reach(.countDecremented, thread: 1, value: 0)
        probe.record.jobReturned()
    }

    @Test("Claims, start, merge paths, who merges first, and where a shutdown finds the worker")
    func schedulerAndReducerRaces() throws {
        let record = ProbeRecord(context: Self.context(), episode: 0, threadCount: 2, noiseLevel: 0, seed: 1)
        let probe = StressProbe(record: record)
        try Self.parkedJob(probe, job: 1, target: 10)
        record.countStartRace(job: 1)
        #expect(Self.count(.claimAfterPark, in: record) == 1 && Self.count(.claimWhileSpinning, in: record) == 0)
        #expect(Self.count(.startFindsSleepers, in: record) == 1)
        #expect(Self.count(.mergeLockPath, in: record) == 1 && Self.count(.mergeFastPath, in: record) == 1)
        #expect(Self.count(.lockUncontended, in: record) == 1 && Self.count(.lockContended, in: record) == 0)
        #expect(Self.count(.callerMergesFirst, in: record) == 1 && Self.count(.callerMergesLast, in: record) == 0)

        // Job 2: the worker claims while spinning, after parking twice for nothing first.
        record.beginJob(number: 2, index: 1, target: 10, refusal: false)
        try probe.reach(.taskClaimed, thread: 1, value: 10)
        record.countStartRace(job: 2)
        #expect(Self.count(.claimWhileSpinning, in: record) == 1 && Self.count(.startFindsNoSleepers, in: record) == 1)
        try probe.reach(.beforePark, thread: 1, value: 0)
        try probe.reach(.afterWake, thread: 1, value: 0)
        try probe.reach(.beforePark, thread: 1, value: 0)
        record.shutdownComing()
        #expect(Self.count(.stopWhileParked, in: record) == 1)
        try probe.reach(.afterWake, thread: 1, value: 0)
        record.beginJob(number: 3, index: 2, target: 10, refusal: false)
        try probe.reach(.taskClaimed, thread: 1, value: 10)
        #expect(Self.count(.claimAfterSpuriousWake, in: record) == 1)
        record.shutdownComing()
        #expect(Self.count(.stopWhileSpinning, in: record) == 0, "a worker computing its share is not spinning")
    }

    @Test("A merge that finds the lock held, and a fast path that overlaps a holder")
    func contention() throws {
        let record = ProbeRecord(context: Self.context(), episode: 0, threadCount: 3, noiseLevel: 0, seed: 1)
        let probe = StressProbe(record: record)
        record.beginJob(number: 1, index: 0, target: 30, refusal: false)
        try probe.reach(.taskClaimed, thread: 1, value: 30)
        try probe.reach(.taskClaimed, thread: 2, value: 30)
        try probe.reach(.beforeMerge, thread: 1, value: 0)
        try probe.reach(.lockTaken, thread: 1, value: 0)
        try probe.reach(.beforeMerge, thread: 2, value: 0)    // thread 1 holds the lock
        try probe.reach(.countDecremented, thread: 1, value: 2)
        try probe.reach(.lockReleasing, thread: 1, value: 0)
        try probe.reach(.lockTaken, thread: 2, value: 0)
        try probe.reach(.countDecremented, thread: 2, value: 1)
        try probe.reach(.beforeMerge, thread: 0, value: 0)    // thread 2 still holds it
        try probe.reach(.countDecremented, thread: 0, value: 0)
        #expect(Self.count(.lockContended, in: record) == 1 && Self.count(.lockUncontended, in: record) == 1)
        #expect(Self.count(.fastPathWhileLockHeld, in: record) == 1 && Self.count(.callerMergesLast, in: record) == 1)
        // Thread 2 fails: stop finds thread 1 back to spinning, and the caller, last seen
        // decrementing, inside its merge (not waiting: it merged last).
        try probe.reach(.stopRaised, thread: 2, value: 0)
        #expect(Self.count(.stopWhileSpinning, in: record) == 1 && Self.count(.stopWhileMerging, in: record) == 1)
        #expect(Self.count(.stopWhileCallerWaits, in: record) == 0)
    }

    @Test("A failing worker finds the caller waiting for the total, another worker merging")
    func stopRaces() throws {
        let record = ProbeRecord(context: Self.context(), episode: 0, threadCount: 3, noiseLevel: 0, seed: 1)
        let probe = StressProbe(record: record)
        record.beginJob(number: 1, index: 0, target: 30, refusal: false)
        try probe.reach(.taskClaimed, thread: 2, value: 30)
        try probe.reach(.jobStarted, thread: 0, value: 30)
        try probe.reach(.beforeMerge, thread: 0, value: 0)
        try probe.reach(.lockTaken, thread: 0, value: 0)
        try probe.reach(.countDecremented, thread: 0, value: 2)
        try probe.reach(.lockReleasing, thread: 0, value: 0)
        try probe.reach(.beforeMerge, thread: 2, value: 0)
        try probe.reach(.stopRaised, thread: 1, value: 0)
        #expect(Self.count(.stopWhileCallerWaits, in: record) == 1 && Self.count(.stopWhileMerging, in: record) == 1)
        // Once `run` returned, the same last point is no longer a wait.
        record.jobReturned()
        try probe.reach(.stopRaised, thread: 1, value: 0)
        #expect(Self.count(.stopWhileCallerWaits, in: record) == 1 && Self.count(.stopWhileMerging, in: record) == 2)
    }

    @Test("The barrier's last arriver, and a failure before or after the thread's contribution")
    func barrierAndFailures() throws {
        let record = ProbeRecord(context: Self.context(), episode: 0, threadCount: 2, noiseLevel: 0, seed: 1)
        let probe = StressProbe(record: record)
        try probe.reach(.barrierCompleted, thread: 0, value: 0)
        try probe.reach(.barrierCompleted, thread: 1, value: 2)
        try probe.reach(.barrierCompleted, thread: 1, value: 4)
        #expect(Self.count(.barrierCallerArrivesLast, in: record) == 1 && Self.count(.barrierWorkerArrivesLast, in: record) == 2)

        record.arm(PlannedFault(kind: .protocolThrow, thread: 1, point: .beforeMerge, stallMicroseconds: 0), job: 1)
        record.beginJob(number: 1, index: 0, target: 10, refusal: false)
        #expect(throws: InjectedFailure.self) { try probe.reach(.beforeMerge, thread: 1, value: 0) }
        _ = record.disarm()
        #expect(Self.count(.failureBeforeContribution, in: record) == 1)
        record.arm(PlannedFault(kind: .protocolThrow, thread: 1, point: .totalReceived, stallMicroseconds: 0), job: 2)
        record.beginJob(number: 2, index: 1, target: 0, refusal: true)
        #expect(throws: InjectedFailure.self) { try probe.reach(.totalReceived, thread: 1, value: 0) }
        #expect(Self.count(.failureAfterContribution, in: record) == 1)
    }

    @Test("Where stop finds a thread, by its last point")
    func stopClassification() {
        let worker = ProbePoint.allCases.map { ($0, RaceObserver.stopRace(lastPoint: $0, thread: 1, callerInJob: true)) }
        for (point, race) in worker {
            switch point {
            case .beforePark: #expect(race == .stopWhileParked)
            case .allTasksClaimed, .beforeMerge, .lockTaken, .countDecremented: #expect(race == .stopWhileMerging, "\(point)")
            case .afterWake, .shareDone, .lockReleasing, .totalReceived: #expect(race == .stopWhileSpinning, "\(point)")
            default: #expect(race == nil, "\(point)")
            }
        }
        #expect(RaceObserver.stopRace(lastPoint: .lockReleasing, thread: 0, callerInJob: true) == .stopWhileCallerWaits)
        #expect(RaceObserver.stopRace(lastPoint: .lockReleasing, thread: 0, callerInJob: false) == nil)
        #expect(RaceObserver.stopRace(lastPoint: .totalReceived, thread: 0, callerInJob: true) == nil)
        #expect(RaceObserver.stopRace(lastPoint: nil, thread: 1, callerInJob: true) == nil)
    }

    // MARK: the report

    static func report(_ counts: [ProtocolRace: UInt64], applicable: Set<ProtocolRace>) -> RaceCoverageReport {
        let values = ProtocolRace.allCases.map { counts[$0] ?? 0 }
        return RaceCoverageReport(counts: [.noisy: values, .hot: values.map { $0 * 2 }], phases: [.noisy, .hot], applicable: applicable)
    }

    @Test("Which races a run can reach follows its blocks: the shipped pair alone has no lock, no barrier, no futex start")
    func applicableFollowsBlocks() throws {
        let lockRaces: Set<ProtocolRace> = [.mergeLockPath, .lockUncontended, .lockContended, .fastPathWhileLockHeld,
                                            .callerMergesFirst, .stopWhileCallerWaits]
        let futexAndBarrier: Set<ProtocolRace> = [.startFindsSleepers, .startFindsNoSleepers, .barrierCallerArrivesLast,
                                                  .barrierWorkerArrivesLast]
        let shipped = Self.context(["--threads", "1-3", "--scheduler", "sequence", "--reducer", "slot"]).applicableRaces
        #expect(shipped.isDisjoint(with: lockRaces) && shipped.isDisjoint(with: futexAndBarrier))
        #expect(shipped.isSuperset(of: [.claimWhileSpinning, .mergeFastPath, .callerMergesLast, .stopDuringGather, .stopBeforePublish]))
        let reference = Self.context(["--threads", "1-3", "--scheduler", "futex", "--reducer", "spinlock"]).applicableRaces
        #expect(reference.isSuperset(of: lockRaces) && reference.contains(.startFindsSleepers) && !reference.contains(.barrierCallerArrivesLast))
        #expect(Self.context().applicableRaces == Set(ProtocolRace.allCases))
    }

    @Test("Never seen: applicable and 0; n/a: not applicable; counts sum their phases")
    func neverSeenAndNotApplicable() throws {
        let report = Self.report([.claimWhileSpinning: 3, .mergeFastPath: 1], applicable: [.claimWhileSpinning, .mergeFastPath, .lockContended])
        #expect(report.neverSeen == ["lock-contended"])
        let row = try #require(report.rows.first { $0.race == "claim-while-spinning" })
        #expect(row.count == 9 && row.perPhase == ["noisy": 3, "hot": 6] && row.block == "scheduler")
        let lines = report.tableLines
        #expect(lines.contains { $0.contains("lock-contended") && $0.hasSuffix("NEVER SEEN") })
        #expect(lines.contains { $0.contains("stop-while-parked") && $0.hasSuffix("n/a") })
        #expect(lines[0].contains("noisy") && lines[0].contains("hot") && lines[0].contains("total"))
        #expect(report.headline.hasPrefix("2 of 3 applicable races seen") && report.headline.hasSuffix("NEVER SEEN: lock-contended"))
    }

    @Test("Merging sums counts by name, keeps unknown races, and a race applicable anywhere stays required")
    func merging() throws {
        let first = Self.report([.lockContended: 1], applicable: [.lockContended])
        var second = Self.report([.stopWhileParked: 2], applicable: [.stopWhileParked, .lockContended])
        second.rows.append(.init(race: "a-newer-race", block: "reducer", count: 0, perPhase: ["hot": 0], applicable: true))
        second = RaceCoverageReport(rows: second.rows)
        let merged = try #require(RaceCoverageReport.merged([first, second]))
        #expect(merged.rows.first { $0.race == "lock-contended" }?.count == 3)
        #expect(merged.rows.first { $0.race == "stop-while-parked" }?.count == 6)
        #expect(merged.neverSeen == ["a-newer-race"])
        #expect(RaceCoverageReport.merged([]) == nil)
    }

    // MARK: exit codes

    @Test("--require-coverage: a run that cannot have seen every race exits 4, and says which")
    func requireCoverageExit() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/short.json"
        await #expect(processExitsWith: .exitCode(4)) { [path = path as String] in
            alarm(60)
            exit(StressDriver.main(arguments: ["--seconds", "0.001", "--seed", "3", "--threads", "1-2", "--quiet",
                                               "--require-coverage", "--json", path]))
        }
        let report = try StressSummary.read(path)
        #expect(report.knownVerdict == .coverageIncomplete && report.exitCode == 4 && report.violations == 0)
        let coverage = try #require(report.coverage)
        #expect(!coverage.neverSeen.isEmpty && report.message.contains(coverage.neverSeen[0]))
        #expect(coverage.rows.map(\.race) == ProtocolRace.allCases.map(\.rawValue))
    }

    /// A release report of `jobs` jobs whose coverage saw `seen` (of `applicable`).
    static func reportJSON(seen: Set<ProtocolRace>, applicable: Set<ProtocolRace>) -> String {
        var report = try! ReportJSON.decode(StressSummary.self, from: Array(SummarizeTests.report(jobs: 10, seconds: 1).utf8), path: "fixture")
        report.coverage = Self.report(Dictionary(uniqueKeysWithValues: seen.map { ($0, 1) }), applicable: applicable)
        return report.json
    }

    static func shard(_ folder: TemporaryFolder, _ name: String, seen: Set<ProtocolRace>, applicable: Set<ProtocolRace>, exit: Int = 0) {
        folder.write("shard=\(name)\nscheduler=futex\n", to: name + "/meta.env")
        folder.write(reportJSON(seen: seen, applicable: applicable), to: name + "/release-1.json")
        folder.write(SummarizeTests.header + "release\t1\t10\t\(exit)\t-\trelease-1.json\trelease-1.log\n", to: name + "/runs.tsv")
        folder.write("{}", to: name + "/summary.json")
    }

    @Test("stress summarize --require-coverage sums the shards first; exit 4 for gaps alone, 1 with other findings")
    func summarizeRequiresCoverage() throws {
        let all = Set(ProtocolRace.allCases)
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.shard(folder, "a", seen: all.subtracting([.stopWhileMerging, .lockContended]), applicable: all)
        Self.shard(folder, "b", seen: [.stopWhileMerging], applicable: all)
        let gap = try SummarizeTests.summarize(["--merge", "--require-coverage", folder.path], out: folder.path + "/out1")
        #expect(gap.code == 4 && gap.summary?.coverageGaps == ["lock-contended"])
        #expect(gap.text?.contains("FOUND protocol race lock-contended never seen in any run") == true)
        #expect(gap.text?.contains("\(ProtocolRace.allCases.count - 1) of \(ProtocolRace.allCases.count) applicable races seen; NEVER SEEN: lock-contended") == true)

        let lenient = try SummarizeTests.summarize(["--merge", folder.path], out: folder.path + "/out2")
        #expect(lenient.code == 0 && lenient.summary?.coverageGaps == nil && lenient.summary?.coverage?.neverSeen == ["lock-contended"])

        Self.shard(folder, "b", seen: [.stopWhileMerging, .lockContended], applicable: all)
        let complete = try SummarizeTests.summarize(["--merge", "--require-coverage", folder.path], out: folder.path + "/out3")
        #expect(complete.code == 0 && complete.summary?.coverageGaps == [])
        #expect(complete.text?.contains("protocol races over every release and TSan run: \(ProtocolRace.allCases.count) of \(ProtocolRace.allCases.count) applicable races seen") == true)

        Self.shard(folder, "b", seen: [], applicable: all, exit: 1)
        let both = try SummarizeTests.summarize(["--merge", "--require-coverage", folder.path], out: folder.path + "/out4")
        #expect(both.code == 1 && both.summary?.coverageGaps?.sorted() == ["lock-contended", "stop-while-merging"])
    }
}
