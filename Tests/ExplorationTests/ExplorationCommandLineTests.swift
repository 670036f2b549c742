import Glibc
import StressKit
import Testing

/// `stress --explore`'s command line, in every build: bad input is a usage error naming the
/// flag, and a build without the Exploration trait says how to get one (exit 64), never traps.
@Suite("Exploration: command line")
struct ExplorationCommandLineTests {
    @Test("Exploration flags parse")
    func flagsParse() throws {
        let options = try StressOptions.parse(["--explore", "--strategy", "pct", "--depth", "2", "--schedules", "50",
                                               "--jobs", "2", "--spurious-wakes", "0", "--max-steps", "500", "--no-shrink"])
        #expect(options.exploration.enabled)
        #expect(options.exploration.strategy == .pct)
        #expect(options.exploration.depth == 2)
        #expect(options.exploration.schedules == 50)
        #expect(options.exploration.jobs == 2)
        #expect(options.exploration.effectiveSpuriousWakes == 0)
        #expect(options.exploration.maxSteps == 500)
        #expect(!options.exploration.shrink)
        #expect(try StressOptions.parse(["--explore", "--strategy", "dfs"]).exploration.effectiveSpuriousWakes == 0)
        #expect(try StressOptions.parse(["--explore"]).exploration.effectiveSpuriousWakes == 1)
        #expect(try StressOptions.parse(["--explore"]).exploration.memoryModel == .c11)
        let weak = try StressOptions.parse(["--explore", "--memory-model", "sc", "--strategy", "dfs", "--stale-reads", "3"])
        #expect(weak.exploration.memoryModel == .sc)
        #expect(weak.exploration.staleReads == 3)
    }

    @Test("Bad exploration input is a usage error that names the problem", arguments: [
        (["--depth", "2"], "--depth needs --explore"),
        (["--explore", "--strategy", "bfs"], "--strategy must be random, pct or dfs"),
        (["--explore", "--depth", "2"], "--depth is for --strategy pct"),
        (["--explore", "--strategy", "pct", "--preemptions", "1"], "--preemptions is for --strategy dfs"),
        (["--explore", "--replay", "3b"], "--replay needs the --scenario"),
        (["--explore", "--jobs", "0"], "--jobs needs a number from 1 to 8"),
        (["--explore", "--noise", "2"], "--noise has no meaning with --explore"),
        (["--explore", "--memory-model", "tso"], "--memory-model must be c11, sc or c11-seqcst-as-acqrel"),
        (["--explore", "--stale-reads", "1"], "--stale-reads is for --strategy dfs"),
    ])
    func badInput(arguments: [String], message: String) {
        #expect {
            try StressOptions.parse(arguments)
        } throws: { error in
            (error as? StressUsageError)?.message.contains(message) == true
        }
    }

    #if Exploration
    @Test("A bad scenario or schedule exits 64 before anything runs", arguments: [
        ["--scenario", "futex:9:5"], ["--scenario", "spin:2:5"], ["--scenario", "futex:2:5+long-stall@lock-taken/t1"],
        ["--scenario", "futex:2:5+throw-at-point@nowhere/t1"], ["--scenario", "futex:2:"],
        ["--scenario", "futex:2:5", "--replay", "3b0a"], ["--scenario", "futex:2:5", "--replay", "@/nonexistent/schedule"],
        ["--scenario", "futex:2:5", "--replay", ".3b"], ["--scenario", "futex:2:5", "--replay", "0."],
        ["--threads", "1"],
    ])
    func badScenario(arguments: [String]) {
        #expect(StressDriver.main(arguments: ["--explore", "--quiet"] + arguments) == 64)
    }
    #else
    @Test("Without the Exploration trait, --explore says how to build it and exits 64")
    func unavailable() async {
        let result = await #expect(processExitsWith: .exitCode(64), observing: [\.standardErrorContent]) {
            alarm(60)
            exit(StressDriver.main(arguments: ["--explore", "--schedules", "10"]))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("--traits Exploration --scratch-path .build-explore"))
        #expect(standardError.contains("docs/EXPLORATION.md"))
    }
    #endif
}
