import Glibc
import Pool
import StressKit
import Testing

/// The stress report is one Codable type: it survives its own JSON, reads the reports of
/// stress 1.0.0, tolerates sections it does not know, and refuses what it cannot read with
/// a message naming the file and the problem.
@Suite("Stress report")
struct StressSummaryTests {
    /// A report from a real RunContext, with counters set by hand.
    static func makeReport(verdict: Verdict, episode: Int, jobIndex: Int) -> StressSummary {
        var options = StressOptions()
        options.seconds = 3
        options.threadCounts = [1, 2]
        options.variant = .lateUnlock
        let context = RunContext(options: options, seed: .max, callerThreads: 2)
        for nanoseconds: UInt64 in [900, 20_000, 3_000_000] {
            context.statistics.jobDone(scheduler: .futex, threads: 2, nanoseconds: nanoseconds)
        }
        context.statistics.jobDone(scheduler: .basic, threads: 1, nanoseconds: 50_000_000)
        context.statistics.faultFired(.shareThrow, point: nil)
        context.statistics.faultFired(.longStall, point: .beforeMerge)
        return StressSummary(context: context, verdict: verdict, message: "thread 1 said \"no\"\n\tand stopped",
                             episode: episode, jobIndex: jobIndex, elapsedSeconds: 1.23456)
    }

    static func decode(_ text: String, path: String = "fixture.json") throws(ReportReadError) -> StressSummary {
        try ReportJSON.decode(StressSummary.self, from: Array(text.utf8), path: path)
    }

    @Test("A report survives its own JSON, and both renderings come from its fields")
    func roundTrip() throws {
        let report = Self.makeReport(verdict: .invariant, episode: 4, jobIndex: 2)
        #expect(report.schemaVersion == StressSummary.currentSchemaVersion)
        #expect(report.seed == .max)
        #expect(report.jobs == 4 && report.faultsInjected == 2)
        #expect(report.elapsedSeconds == 1.235)
        #expect(report.jobsPerSecond == 3)
        #expect(report.perConfiguration == [.init(scheduler: "basic", threads: 1, jobs: 1), .init(scheduler: "futex", threads: 2, jobs: 3)])
        #expect(report.faults == [.init(kind: "throw-in-share", point: "share", count: 1),
                                  .init(kind: "long-stall", point: "before merge", count: 1)])
        #expect(report.latencyNanoseconds.max == 50_000_000)
        #expect(report.replay?.hasSuffix("--variant late-unlock --from-episode 4") == true)
        #expect(report.violations == 1 && report.exitCode == 1 && report.knownVerdict == .invariant)

        let decoded = try Self.decode(report.json)
        #expect(decoded == report)
        #expect(decoded.text == report.text)
        #expect(report.text.contains("verdict: invariant (exit 1)"))
        #expect(report.text.contains("latency: p50 "))
        // Sorted keys, one per line: stable diffs between reports.
        let keys = report.json.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(keys == keys.sorted())
        #expect(keys.contains("schemaVersion") && keys.contains("replay"))
    }

    @Test("A passed run has no episode, job index or replay, and says so by leaving them out")
    func passedRun() throws {
        let report = Self.makeReport(verdict: .passed, episode: -1, jobIndex: -1)
        #expect(report.episode == nil && report.jobIndex == nil && report.replay == nil)
        #expect(report.confidence == "0 failures in 4 jobs: failure rate < 3/4 = 7.5e-1 at 95%")
        #expect(!report.json.contains("\"replay\""))
        #expect(try Self.decode(report.json) == report)
    }

    @Test("Reports of stress 1.0.0 (no schemaVersion) read as they are")
    func legacyReports() throws {
        let passed = try Self.decode(LegacyReportFixtures.passed)
        #expect(passed.schemaVersion == nil && passed.version == "1.0.0")
        #expect(passed.seed == 18_446_744_073_709_551_615)
        #expect(passed.knownVerdict == .passed && passed.exitCode == 0)
        #expect(passed.episode == nil && passed.replay == nil && passed.variant == nil)
        #expect(passed.jobs == 12819 && passed.jobsPerSecond == 6393 && passed.elapsedSeconds == 2.005)
        #expect(passed.perConfiguration.count == 8 && passed.faults.count == 28)
        #expect(passed.latencyNanoseconds == .init(p50: 14336, p90: 327_680, p99: 5_242_880, p99_9: 25_165_824, max: 29_130_511))
        // The text summary of today's code, from yesterday's report, is yesterday's text.
        #expect(passed.text == LegacyReportFixtures.passedText + "\n")

        let violation = try Self.decode(LegacyReportFixtures.violation)
        #expect(violation.knownVerdict == .invariant && violation.exitCode == 1 && violation.violations == 1)
        #expect(violation.episode == 1 && violation.jobIndex == 1 && violation.variant == "late-unlock")
        #expect(violation.replay == "stress --seed 7 --threads 3,4 --faults 0.02 --noise 3 --watchdog 10.0 --variant late-unlock --from-episode 1")
        #expect(violation.message == "thread 1 releases the reducer lock, but nobody holds it")
    }

    @Test("Sections and verdicts added later do not break this reader")
    func laterAdditions() throws {
        let later = LegacyReportFixtures.violation
            .replacing("\"verdict\": \"invariant\"", with: "\"verdict\": \"livelock\"")
            .replacing("{\n", with: "{\n  \"schemaVersion\": 2,\n  \"protocolRaces\": {\"claim\": 3},\n  \"phases\": [{\"name\": \"warm-up\", \"jobsPerSecond\": 12.5}],\n")
        let report = try Self.decode(later)
        #expect(report.verdict == "livelock" && report.knownVerdict == nil)
        #expect(report.schemaVersion == 2 && report.jobs == 1)
    }

    static let unreadable: [(name: String, text: String, problem: String)] = [
        ("a missing field", LegacyReportFixtures.passed.replacing("  \"jobs\": 12819,\n", with: ""),
         "missing field 'jobs'"),
        ("a missing nested field", LegacyReportFixtures.passed.replacing("\"p99.9\": 25165824, ", with: ""),
         "missing field 'latencyNanoseconds.p99.9'"),
        ("a field of the wrong type", LegacyReportFixtures.passed.replacing("\"jobs\": 12819", with: "\"jobs\": \"many\""),
         "field 'jobs' is not a"),
        ("a newer schema", LegacyReportFixtures.passed.replacing("{\n", with: "{\n  \"schemaVersion\": 99,\n"),
         "schema 99, but this stress reads schemas 1 to 2"),
        ("an empty file", "", "empty file"),
        ("a truncated file", String(LegacyReportFixtures.passed.prefix(200)), "not a stress report: invalid JSON"),
        ("not an object", "[1, 2]", "not a stress report"),
    ]

    @Test("What cannot be read is refused with the file and the reason", arguments: unreadable.indices)
    func unreadableReport(_ index: Int) {
        let fixture = Self.unreadable[index]
        #expect(throws: ReportReadError.self, "\(fixture.name)") { try Self.decode(fixture.text, path: "/results/x.json") }
        do {
            _ = try Self.decode(fixture.text, path: "/results/x.json")
        } catch {
            #expect(error.description.hasPrefix("/results/x.json: "), "\(fixture.name)")
            #expect(error.problem.contains(fixture.problem), "\(fixture.name): \(error.problem)")
        }
    }

    @Test("A stress 1.0.0 report without a field says which, and that it has no schemaVersion")
    func legacyMissingField() {
        let broken = LegacyReportFixtures.violation.replacing("  \"stopsPropagated\": 0,\n", with: "")
        #expect {
            try Self.decode(broken, path: "old.json")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("old.json: ") && description.contains("missing field 'stopsPropagated'")
                && description.contains("no schemaVersion: written by stress 1.0.0")
        }
    }

    @Test("StressSummary.read names a file that does not exist")
    func missingFile() {
        #expect {
            try StressSummary.read("/nonexistent-folder/report.json")
        } throws: { error in
            "\(error)".contains("/nonexistent-folder/report.json") && "\(error)".contains("No such file")
        }
    }
}
