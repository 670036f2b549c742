import Glibc
import Pool
import StressKit
import Testing

/// Bad command lines are typed usage errors, and the real command exits 64 for them.
@Suite("Command line")
struct CommandLineTests {
    @Test("Defaults")
    func defaults() throws {
        let options = try StressOptions.parse([])
        #expect(options.seconds == 60)
        #expect(options.seed == nil)
        #expect(options.schedulers == SchedulerKind.allCases)
        #expect(options.faultRate > 0 && options.noiseLevel > 0)
        #expect(options.effectiveThreadCounts.first == 1)
        #expect(options.effectiveThreadCounts.last == max(2, 2 * CPUAffinity.availableCPUCount))
        #expect(try StressOptions.parse(["--self-test"]).seconds == 30)
    }

    @Test("Every flag parses")
    func everyFlag() throws {
        let options = try StressOptions.parse([
            "--seconds", "2.5", "--seed", "0x10", "--threads", "1-3,8", "--scheduler", "basic", "--faults", "0.5",
            "--noise", "0", "--watchdog", "3", "--json", "/tmp/x.json", "--variant", "late-unlock",
            "--from-episode", "4", "--quiet",
        ])
        #expect(options.seconds == 2.5)
        #expect(options.seed == 16)
        #expect(options.threadCounts == [1, 2, 3, 8])
        #expect(options.schedulers == [.basic])
        #expect(options.faultRate == 0.5 && options.noiseLevel == 0 && options.watchdogSeconds == 3)
        #expect(options.jsonPath == "/tmp/x.json" && options.variant == .lateUnlock)
        #expect(options.fromEpisode == 4 && options.quiet)
    }

    static let badCommandLines: [[String]] = [
        ["--bogus"],                          // unknown flag
        ["extra"],                            // stray argument
        ["--seconds"],                        // missing value
        ["--seconds", "--quiet"],             // missing value (next flag)
        ["--seconds", "-5"],                  // negative seconds
        ["--seconds", "0"],                   // zero seconds
        ["--seconds", "ten"],                 // bad value
        ["--seed", "-1"],                     // negative seed
        ["--seed", "0xZZ"],                   // bad hex
        ["--threads", "0"],                   // thread count 0
        ["--threads", "4-2"],                 // empty range
        ["--threads", "1,,2"],                // bad list
        ["--threads", "99999"],               // too many threads
        ["--threads", "two"],                 // bad list
        ["--scheduler", "fifo"],              // unknown scheduler
        ["--faults", "1.5"],                  // rate above 1
        ["--faults", "-0.1"],                 // negative rate
        ["--noise", "4"],                     // level above 3
        ["--watchdog", "0"],                  // zero watchdog
        ["--variant", "nope"],                // unknown variant
        ["--from-episode", "-1"],             // negative episode
        ["--self-test", "--variant", "late-unlock"], // self-test takes no variant
    ]

    @Test("Bad command lines are usage errors", arguments: badCommandLines)
    func badCommandLine(_ arguments: [String]) {
        #expect(throws: StressUsageError.self, "\(arguments)") { try StressOptions.parse(arguments) }
    }

    @Test("The command exits 64 with a usage message for a bad command line", arguments: [
        ["--bogus"], ["--seconds", "-1"], ["--threads"], ["--variant", "nope"], ["--scheduler", "x"], ["--threads", "1,a"],
        ["--json", "/nonexistent-directory/report.json"],
    ])
    func exitCode64(_ arguments: [String]) async {
        let result = await #expect(processExitsWith: .exitCode(64), observing: [\.standardErrorContent]) { [arguments] in
            alarm(30)
            exit(StressDriver.main(arguments: arguments))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("usage: stress"))
    }

    /// `--check-args` (and after a subcommand): a valid command line exits 0 at once, without
    /// running (the alarm ends a ten-minute run that started anyway); a bad one exits 64.
    static let checkedCommandLines: [(arguments: [String], expected: Int32)] = [
        (["--check-args", "--seconds", "600", "--seed", "1", "--threads", "2"], 0),
        (["--seconds", "600", "--self-test", "--check-args"], 0),
        (["summarize", "--check-args", "--merge", "--out", "merged", "results"], 0),
        (["report-field", "report.json", "verdict", "--check-args"], 0),
        (["--check-args", "--seconds", "0"], 64),
        (["--check-args", "--variant", "no-such-canary"], 64),
        (["summarize", "--check-args", "results"], 64),
        (["report-field", "--check-args", "report.json"], 64),
    ]

    @Test("--check-args validates the command line and runs nothing", arguments: checkedCommandLines)
    func checkArguments(_ arguments: [String], expected: Int32) async {
        await #expect(processExitsWith: .exitCode(expected), "\(arguments)") { [arguments] in
            alarm(30)
            exit(StressDriver.main(arguments: arguments))
        }
    }
}
