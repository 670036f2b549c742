import Glibc
import StressKit
import Testing

/// `stress summarize` over results folders built here the way scripts/soak.sh writes them:
/// totals, findings, exit codes, merge, and bad command lines.
@Suite("stress summarize")
struct SummarizeTests {
    static let header = "phase\tseed\tseconds\texit\ttsan_report\tdetail\tlog\n"

    /// A report with these totals: the stress 1.0.0 fixture, as today's code writes it.
    static func report(jobs: UInt64, seconds: Double, faults: [(String, UInt64)] = [], verdict: Verdict = .passed) -> String {
        var report = try! ReportJSON.decode(StressSummary.self, from: Array(LegacyReportFixtures.passed.utf8), path: "fixture")
        report.schemaVersion = StressSummary.currentSchemaVersion
        report.jobs = jobs
        report.elapsedSeconds = seconds
        report.perConfiguration = [.init(scheduler: "futex", threads: 2, jobs: jobs)]
        report.faults = faults.map { .init(kind: $0.0, point: "share", count: $0.1) }
        report.faultsInjected = faults.reduce(0) { $0 + $1.1 }
        report.latencyNanoseconds.max = jobs * 1000
        report.verdict = verdict.rawValue
        report.exitCode = verdict.exitCode
        report.violations = verdict == .passed ? 0 : 1
        if verdict != .passed {
            report.message = "thread 1 releases the reducer lock, but nobody holds it"
            report.episode = 5
            report.replay = "stress --seed 101 --from-episode 5"
        }
        return report.json
    }

    /// A clean shard: a self-test, two release runs (one reported by stress 1.0.0), the two
    /// ordering canaries, one TSan run, and its own summary.json (it finished).
    static func cleanShard(in folder: TemporaryFolder, at relative: String, finished: Bool = true) {
        let base = relative + "/"
        let name = FileAccess.lastComponent(of: relative)
        folder.write("shard=\(name)\nscheduler=futex\ncommit=abc123\nhost_cpus=2\ntoolchain=Swift version 6.3.1\n", to: base + "meta.env")
        folder.write("""
            stress --self-test: 2 canaries, up to 30.0 s each, seed 5
              late-unlock: detected (invariant) in 0.014 s
              lost-wakeup: detected (lost wake-up) in 2.242 s; note with in 9 s
            self-test: every canary detected
            """, to: base + "self-test.log")
        folder.write(report(jobs: 3000, seconds: 1.5, faults: [("throw-in-share", 4), ("long-stall", 1)]), to: base + "release-100.json")
        folder.write(LegacyReportFixtures.passed, to: base + "release-101.json")
        folder.write(report(jobs: 1000, seconds: 2, faults: [("long-stall", 2)]), to: base + "tsan-100.json")
        folder.write(Self.header + """
            self-test\t100\t30\t0\t-\t-\tself-test.log
            release\t100\t10\t0\t-\trelease-100.json\trelease-100.log
            release\t101\t10\t0\t-\trelease-101.json\trelease-101.log
            tsan-canary\t100\t20\t66\tyes\trelaxed-publication\tc1.log
            tsan-canary\t100\t20\t66\tyes\trelaxed-target\tc2.log
            tsan\t100\t10\t0\tno\ttsan-100.json\ttsan-100.log

            """, to: base + "runs.tsv")
        if finished { folder.write("{}", to: base + "summary.json") }
    }

    /// Runs `stress summarize` in this process; returns its exit code and what it wrote.
    static func summarize(_ arguments: [String], out: String) throws -> (code: Int32, summary: SoakSummary?, text: String?) {
        let code = StressDriver.main(arguments: ["summarize", "--out", out] + arguments)
        let summary = FileAccess.exists(out + "/summary.json") ? try ReportJSON.read(SoakSummary.self, from: out + "/summary.json") : nil
        return (code, summary, FileAccess.readText(out + "/summary.txt"))
    }

    @Test("A clean shard: totals over every report (old and new), exit 0, summary.txt and summary.json")
    func cleanShard() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "futex-0")
        let result = try Self.summarize([folder.path], out: folder.path + "/out")
        #expect(result.code == 0)
        let summary = try #require(result.summary)
        #expect(summary.clean && summary.findings.isEmpty)
        #expect(summary.shards == ["futex-0"] && summary.seedRanges == ["futex-0 futex seeds 100...101"])
        #expect(summary.release.runs == 2 && summary.release.jobs == 3000 + 12819)
        #expect(summary.release.seconds == 1.5 + 2.005)
        #expect(summary.release.faultsByKind == ["throw-in-share": 4 + 52, "long-stall": 1 + 26, "throw-at-point": 35, "spurious-wake": 33])
        #expect(summary.release.worstLatencyNanoseconds == 29_130_511)
        #expect(summary.tsan.runs == 1 && summary.tsan.jobs == 1000 && summary.tsan.jobsPerSecond == 500)
        #expect(summary.totalJobs == 16819)
        #expect(summary.tsanSlowdown == (15819 / (1.5 + 2.005)) / 500)
        #expect(summary.orderingCanaries["relaxed-target"]?.reported == 1 && summary.orderingCanaries["relaxed-target"]?.runs == 1)
        let lostWakeup = try #require(summary.selfTest["lost-wakeup"])
        #expect(lostWakeup.runs == 1 && lostWakeup.detected == 1 && lostWakeup.slowestSeconds == 2.242 && lostWakeup.how == ["lost wake-up"])
        let text = try #require(result.text)
        #expect(text == summary.text)
        #expect(text == Self.cleanShardText)
    }

    /// What the old soak-summary script, which `stress summarize` replaced, printed for the
    /// clean shard, but for the slowest lost-wakeup detection: the script took the "9" of
    /// the note ("note with in 9 s") for the time.
    static let cleanShardText = """
        soak summary: 1 shard (futex-0)
          commit abc123, Swift version 6.3.1, 2 CPUs
          futex-0 futex seeds 100...101
          release: 15819 jobs in 3.5 s = 4513 jobs/s (2 runs); faults injected 151 [long-stall 27, spurious-wake 33, throw-at-point 35, throw-in-share 56], stops propagated 174, pools created 276, worst job latency 0.029 s
          tsan   : 1000 jobs in 2.0 s = 500 jobs/s (1 run); faults injected 2 [long-stall 2], stops propagated 87, pools created 138, worst job latency 0.001 s
          throughput: TSan 500 jobs/s against release 4513 jobs/s on the same seeds: 9.03x slower
          jobs per scheduler and thread count: basic x1 1716, basic x2 1867, basic x3 844, basic x4 1754, futex x1 2423, futex x2 4863, futex x3 1486, futex x4 1866
          TSan ordering canaries: relaxed-publication reported by TSan in 1/1 run, relaxed-target reported by TSan in 1/1 run
          self-test (canaries the harness must catch without TSan):
            late-unlock: detected in 1/1 run (invariant), slowest detection 0.0 s
            lost-wakeup: detected in 1/1 run (lost wake-up), slowest detection 2.2 s
          0 failures in 16819 jobs (release + TSan): failure rate < 3/16819 = 1.8e-04 per job at 95% confidence
        soak verdict: CLEAN

        """

    @Test("A folder with a finding exits 1 and names it, with the replay command")
    func finding() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "basic-0")
        folder.write(Self.report(jobs: 7, seconds: 0.01, verdict: .invariant), to: "basic-0/release-102.json")
        folder.write(FileAccess.readText(folder.path + "/basic-0/runs.tsv")! + "release\t102\t10\t1\t-\trelease-102.json\trelease-102.log\n",
                     to: "basic-0/runs.tsv")
        let result = try Self.summarize([folder.path + "/basic-0"], out: folder.path + "/out")
        #expect(result.code == 1)
        let summary = try #require(result.summary)
        #expect(!summary.clean)
        #expect(summary.findings == ["[basic-0] release seed 102: exit 1 (invariant: thread 1 releases the reducer lock, but nobody holds it); replay: stress --seed 101 --from-episode 5"])
        #expect(result.text?.contains("1 finding in 16826 jobs: no confidence bound") == true)
        #expect(result.text?.hasSuffix("soak verdict: FOUND 1 problem\n") == true)
    }

    static let brokenRuns: [(line: String, finding: String)] = [
        ("release\t102\t10\t2\t-\trelease-102.json\trelease-102.log", "exit 2 (no JSON report; see release-102.log)"),
        ("release\t102\t10\t0\t-\trelease-102.json\trelease-102.log", "exit 0 but no JSON report (release-102.json)"),
        ("release\t102\t10\t0\t-\tbroken.json\trelease-102.log", "exit 0 but an unreadable JSON report: "),
        ("tsan\t102\t10\t66\tyes\ttsan-102.json\ttsan-102.log", "ThreadSanitizer reported (see reports/ and tsan-102.log)"),
        ("tsan-canary\t102\t20\t0\tno\trelaxed-target\tc.log", "ordering canary relaxed-target NOT reported by TSan"),
        ("self-test\t102\t30\t3\t-\t-\tself-test.log", "self-test exit 3"),
        ("bogus\t102\t1\t0\t-\t-\tx.log", "unknown phase in runs.tsv"),
    ]

    @Test("Every kind of failed run is a finding", arguments: brokenRuns.indices)
    func brokenRun(_ index: Int) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "s")
        folder.write(LegacyReportFixtures.passed.replacing("  \"jobs\": 12819,\n", with: ""), to: "s/broken.json")
        folder.write(FileAccess.readText(folder.path + "/s/runs.tsv")! + Self.brokenRuns[index].line + "\n", to: "s/runs.tsv")
        let result = try Self.summarize([folder.path], out: folder.path + "/out")
        #expect(result.code == 1)
        let findings = try #require(result.summary).findings
        #expect(findings.count == 1)
        #expect(findings.first?.contains(Self.brokenRuns[index].finding) == true, "\(findings)")
    }

    @Test("A stress 1.0.0 report without a field is a finding that names the file and the field")
    func legacyReportMissingField() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "old")
        folder.write(LegacyReportFixtures.passed.replacing("  \"stopsPropagated\": 87,\n", with: ""), to: "old/release-101.json")
        let result = try Self.summarize([folder.path], out: folder.path + "/out")
        #expect(result.code == 1)
        let finding = try #require(result.summary?.findings.first)
        #expect(finding.contains("/old/release-101.json: not a readable stress report (no schemaVersion: written by stress 1.0.0 or older): missing field 'stopsPropagated'"))
    }

    @Test("Merging: a shard that did not finish exits 1; the same shards, finished, exit 0")
    func merge() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "shards/futex-0")
        Self.cleanShard(in: folder, at: "shards/basic-0", finished: false)
        let unfinished = try Self.summarize(["--merge", folder.path + "/shards"], out: folder.path + "/merged")
        #expect(unfinished.code == 1)
        let summary = try #require(unfinished.summary)
        #expect(summary.shards == ["basic-0", "futex-0"])
        #expect(summary.findings.count == 1)
        #expect(summary.findings.first?.hasPrefix("[basic-0] did not finish (no summary.json in \(folder.path)/shards/basic-0)") == true)
        #expect(summary.totalJobs == 2 * 16819)
        // Without --merge an unfinished folder is no finding; finished, the merge is clean.
        #expect(try Self.summarize([folder.path + "/shards"], out: folder.path + "/plain").code == 0)
        folder.write("{}", to: "shards/basic-0/summary.json")
        #expect(try Self.summarize(["--merge", folder.path + "/shards"], out: folder.path + "/merged").code == 0)
    }

    /// A stress report of a run that SIGTERM stopped after `seconds`.
    static func interruptedReport(jobs: UInt64, seconds: Double) throws -> String {
        var report = try ReportJSON.decode(StressSummary.self, from: Array(Self.report(jobs: jobs, seconds: seconds).utf8), path: "fixture")
        report.verdict = Verdict.interrupted.rawValue
        report.exitCode = StressExitCode.interrupted(by: SIGTERM)
        report.message = "stopped by SIGTERM, \(seconds) s into a 60.0 s run: the jobs in progress finished"
        report.replay = "stress --seed 102 --from-episode 4"
        return report.json
    }

    @Test("Interrupted runs and shards: their jobs count, they are listed, and they are no finding (--merge accepts the shard)")
    func interrupted() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "shards/futex-0")
        Self.cleanShard(in: folder, at: "shards/basic-0")
        folder.write(try Self.interruptedReport(jobs: 500, seconds: 3), to: "shards/basic-0/release-102.json")
        folder.write(FileAccess.readText(folder.path + "/shards/basic-0/runs.tsv")!
                     + "release\t102\t10\t143\t-\trelease-102.json\trelease-102.log\n"
                     + "self-test\t102\t30\t143\t-\t-\tself-test-2.log\n", to: "shards/basic-0/runs.tsv")
        folder.write(FileAccess.readText(folder.path + "/shards/basic-0/meta.env")! + "interrupted=SIGTERM\n", to: "shards/basic-0/meta.env")
        let merged = try Self.summarize(["--merge", folder.path + "/shards"], out: folder.path + "/merged")
        #expect(merged.code == 0)
        let summary = try #require(merged.summary)
        #expect(summary.clean && summary.findings.isEmpty)
        #expect(summary.totalJobs == 2 * 16819 + 500 && summary.release.runs == 5)
        #expect(summary.interrupted == [
            "[basic-0] soak.sh stopped by SIGTERM: later phases did not run",
            "[basic-0] release seed 102: stopped by SIGTERM, 3.0 s into a 60.0 s run (exit 143); its 500 jobs are counted",
            "[basic-0] self-test seed 102: stopped by an interrupt (exit 143)",
        ])
        #expect(merged.text?.contains("  interrupted: [basic-0] release seed 102: ") == true)
        #expect(merged.text?.contains("0 failures in \(2 * 16819 + 500) jobs") == true)
        #expect(merged.text?.hasSuffix("soak verdict: CLEAN\n") == true)
    }

    @Test("An exit code of 130 or 143 without a report that says interrupted is still a finding")
    func interruptedWithoutReport() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "s")
        folder.write(Self.report(jobs: 7, seconds: 1), to: "s/release-102.json")
        folder.write(FileAccess.readText(folder.path + "/s/runs.tsv")! + "release\t102\t10\t130\t-\trelease-102.json\trelease-102.log\n"
                     + "release\t103\t10\t143\t-\tmissing.json\trelease-103.log\n", to: "s/runs.tsv")
        let result = try Self.summarize([folder.path], out: folder.path + "/out")
        #expect(result.code == 1)
        let summary = try #require(result.summary)
        #expect(summary.findings.count == 2 && summary.interrupted == [])
        #expect(summary.findings.first?.contains("release seed 102: exit 130 (passed") == true, "\(summary.findings)")
    }

    @Test("No runs.tsv under the folders is a finding")
    func nothingFound() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let result = try Self.summarize([folder.path + "/empty"], out: folder.path + "/out")
        #expect(result.code == 1)
        #expect(result.summary?.findings == ["no runs.tsv found under \(folder.path)/empty"])
    }

    @Test("An output folder that cannot be created exits 1")
    func unwritableOutput() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        Self.cleanShard(in: folder, at: "s")
        let blocker = folder.write("a file, not a folder", to: "blocker")
        #expect(StressDriver.main(arguments: ["summarize", "--out", blocker + "/out", folder.path]) == 1)
    }

    @Test("The command line parses")
    func parse() throws {
        let options = try SummarizeOptions.parse(["--merge", "a", "--out", "o", "b"])
        #expect(options.merge && options.outputFolder == "o" && options.inputFolders == ["a", "b"])
        #expect(try SummarizeOptions.parse(["--out", "o", "a"]).merge == false)
        #expect(try SummarizeOptions.parse(["--help"]).help)
        #expect(StressDriver.main(arguments: ["summarize", "--help"]) == 0)
    }

    static let badCommandLines: [[String]] = [
        [],                                  // nothing
        ["folder"],                          // no --out
        ["--out", "o"],                      // no folder
        ["--out"],                           // --out without a value
        ["--out", "--merge", "folder"],      // --out followed by a flag
        ["--out", "o", "--out", "p", "f"],   // --out twice
        ["--out", "o", "--bogus", "f"],      // unknown option
        ["--out", "o", ""],                  // empty folder name
    ]

    @Test("Bad command lines are usage errors, and exit 64", arguments: badCommandLines)
    func badCommandLine(_ arguments: [String]) {
        #expect(throws: StressUsageError.self, "\(arguments)") { try SummarizeOptions.parse(arguments) }
        #expect(StressDriver.main(arguments: ["summarize"] + arguments) == 64)
    }
}
