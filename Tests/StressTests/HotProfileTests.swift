import Glibc
import Pool
import StressKit
import Testing

/// The hot profile and the phases: flags, the hot plan (a pure function of the seed, every
/// promise of the profile kept), the schedule, and a short run that reports both phases.
@Suite("Hot profile and phases", .serialized)
struct HotProfileTests {
    static func options(_ arguments: [String]) throws -> StressOptions { try StressOptions.parse(arguments) }

    @Test("--profile, --require-coverage and --repeat parse")
    func flags() throws {
        #expect(try Self.options([]).profile == .default)
        #expect(try Self.options([]).requireCoverage == false)
        let hot = try Self.options(["--profile", "hot", "--require-coverage"])
        #expect(hot.profile == .hot && hot.profileGiven && hot.requireCoverage)
        #expect(try Self.options(["--profile", "noisy"]).profile == .noisy)
        #expect(try Self.options(["--self-test", "--repeat", "5", "--profile", "default"]).repeatCount == 5)
    }

    static let badCommandLines: [[String]] = [
        ["--profile"],                              // missing value
        ["--profile", "warm"],                      // unknown profile
        ["--repeat", "3"],                          // --repeat without --self-test
        ["--self-test", "--repeat", "0"],           // out of range
        ["--self-test", "--repeat", "x"],           // not a number
        ["--self-test", "--require-coverage"],      // a run's flag, not the self-test's
    ]

    @Test("Bad new flags are usage errors", arguments: badCommandLines)
    func badFlags(_ arguments: [String]) {
        #expect(throws: StressUsageError.self) { try StressOptions.parse(arguments) }
    }

    @Test("--profile hot with no thread count in 2 ... CPUs exits 64")
    func hotNeedsAFittingThreadCount() async {
        await #expect(processExitsWith: .exitCode(64)) {
            alarm(30)
            exit(StressDriver.main(arguments: ["--profile", "hot", "--threads", "1", "--seconds", "1", "--quiet"]))
        }
    }

    @Test("Hot episodes keep the profile's promises", arguments: [1, 2, 99] as [UInt64])
    func hotEpisodes(seed: UInt64) throws {
        let plan = StressPlan(seed: seed, options: try Self.options(["--threads", "1-64"]))
        let again = StressPlan(seed: seed, options: try Self.options(["--threads", "1-64"]))
        let cpus = max(2, CPUAffinity.availableCPUCount)
        #expect(plan.hotThreadCounts == Array(2...min(64, cpus)))
        for offset in [0, 1, 17] {
            let index = StressPlan.hotEpisodeBase + offset
            let episode = plan.episode(index)
            #expect(episode == plan.hotEpisode(index) && episode == again.episode(index))
            #expect(episode.phase == .hot && episode.index == index && episode.noiseLevel == 0)
            #expect(plan.hotThreadCounts.contains(episode.threadCount) && episode.threadCount <= cpus)
            #expect(episode.spin == .standard || episode.spin == .spinLong)
            #expect((4096...16384).contains(episode.jobs.count))
            #expect(episode.jobs.allSatisfy { $0.fault == nil && $0.gapMicroseconds == 0 && $0.target < 512 })
            #expect(episode.configurationLabel.hasSuffix(" hot"))
        }
        #expect(plan.episode(3).phase == .noisy)
        #expect(plan.hotDigest == plan.digest(from: StressPlan.hotEpisodeBase, count: StressPlan.hotDigestEpisodes))
        let single = StressPlan(seed: seed, options: try Self.options(["--threads", "1"]))
        #expect(single.hotDigest == nil)
    }

    @Test("The schedule: noisy first, then hot; times add up to the elapsed time")
    func schedule() {
        let both = PhaseSchedule(profile: .default, hotPossible: true)
        #expect(both.phases == [.noisy, .hot] && both.alternates)
        #expect(both.phase(atSeconds: 0) == .noisy && both.phase(atSeconds: 1.99) == .noisy)
        #expect(both.phase(atSeconds: 2.5) == .hot && both.phase(atSeconds: 3.1) == .noisy && both.phase(atSeconds: 5.5) == .hot)
        for elapsed in [0.5, 2.0, 2.5, 3.0, 7.25, 60.0] {
            let hot = both.seconds(in: .hot, elapsed: elapsed)
            let noisy = both.seconds(in: .noisy, elapsed: elapsed)
            #expect(abs(hot + noisy - elapsed) < 1e-9, "\(elapsed)")
        }
        #expect(both.seconds(in: .hot, elapsed: 60) == 20)
        #expect(PhaseSchedule(profile: .default, hotPossible: false).phases == [.noisy])
        #expect(PhaseSchedule(profile: .hot, hotPossible: true).phase(atSeconds: 100) == .hot)
        #expect(PhaseSchedule(profile: .noisy, hotPossible: true).seconds(in: .hot, elapsed: 10) == 0)
    }

    @Test("Replay commands name the episode's profile; --from-episode picks the stream")
    func replayAndFirstEpisodes() throws {
        let context = RunContext(options: try Self.options(["--threads", "1-3", "--seed", "5"]), seed: 5, callerThreads: 2)
        let hot = context.replayCommand(episode: StressPlan.hotEpisodeBase + 7)
        #expect(hot.contains("--threads 2") && hot.contains("--profile hot") && hot.hasSuffix("--from-episode \(StressPlan.hotEpisodeBase + 7)"))
        #expect(context.replayCommand(episode: 7).contains("--profile noisy"))
        let noisyOnly = RunContext(options: try Self.options(["--threads", "1-3", "--profile", "noisy"]), seed: 5, callerThreads: 2)
        #expect(!noisyOnly.replayCommand(episode: 7).contains("--profile"))
        let noisyFrom7 = StressDriver.firstEpisodes(options: try Self.options(["--from-episode", "7"]))
        #expect(noisyFrom7 == (7, StressPlan.hotEpisodeBase))
        let hotFrom7 = StressDriver.firstEpisodes(options: try Self.options(["--from-episode", "7", "--profile", "hot"]))
        #expect(hotFrom7 == (0, StressPlan.hotEpisodeBase + 7))
        let hotStart = StressPlan.hotEpisodeBase + 3
        let fromHot = StressDriver.firstEpisodes(options: try Self.options(["--from-episode", "\(hotStart)"]))
        #expect(fromHot == (0, hotStart))
    }

    @Test("A default run reports both phases, jobs/s and coverage per phase")
    func defaultRunReportsPhases() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/phases.json"
        await #expect(processExitsWith: .success) { [path = path as String] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--seconds", "3.5", "--seed", "11", "--threads", "1-2", "--quiet", "--json", path]))
        }
        let report = try StressSummary.read(path)
        #expect(report.profile == "default" && report.hotPlanDigest != nil)
        let phases = try #require(report.perPhase)
        #expect(phases.map(\.phase) == ["noisy", "hot"])
        let hot = try #require(phases.last)
        #expect(hot.jobs > 0 && hot.episodes > 0 && hot.seconds > 0.9 && hot.seconds < 1.6)
        #expect(phases.reduce(0) { $0 + $1.jobs } == report.jobs)
        let coverage = try #require(report.coverage)
        let spinning = try #require(coverage.rows.first { $0.race == ProtocolRace.claimWhileSpinning.rawValue })
        #expect((spinning.perPhase["hot"] ?? 0) > 0 && spinning.count == (spinning.perPhase["hot"] ?? 0) + (spinning.perPhase["noisy"] ?? 0))
        #expect(report.text.contains("hot phases: ") && report.text.contains("protocol races (docs/PROTOCOL.md"))
    }
}
