import Canaries
import Pool
@testable import StressKit
import Testing

/// What a finding offers the user: a replay line that re-creates exactly the episode it
/// names (the plan, not the interleaving), and a scenario that exploration can search for the
/// interleaving.
@Suite("Replay and explore lines")
struct ReplayLineTests {
    /// Option sets a run may have, each with the episodes its replay lines must re-create.
    static let runs: [[String]] = [
        ["--threads", "1-3"],
        ["--threads", "2,4", "--profile", "hot"],
        ["--threads", "1-4", "--scheduler", "basic", "--reducer", "slot", "--faults", "0.3", "--noise", "1"],
        ["--threads", "3,4", "--variant", "late-unlock", "--noise", "3"],
        ["--threads", "2", "--profile", "noisy", "--faults", "0", "--noise", "0"],
    ]

    @Test("A replay line re-creates the episode it names, noisy or hot", arguments: runs)
    func replayRecreatesEpisode(_ arguments: [String]) throws {
        let options = try StressOptions.parse(arguments)
        let context = RunContext(options: options, seed: 2_313_124_320_840_282_553, callerThreads: 2)
        var episodes = context.schedule.phases.contains(.noisy) ? Array(0..<12) : []
        if context.schedule.phases.contains(.hot) { episodes += (0..<4).map { StressPlan.hotEpisodeBase + $0 } }
        #expect(!episodes.isEmpty)
        for episode in episodes {
            let line = context.replayCommand(episode: episode)
            let words = line.split(separator: " ").map(String.init)
            #expect(words.first == "stress")
            let replayed = RunContext(options: try StressOptions.parse(Array(words.dropFirst())), seed: context.seed, callerThreads: 2)
            #expect(replayed.seed == context.seed)
            #expect(replayed.plan.episode(episode) == context.plan.episode(episode), "\(line)")
            if episode >= StressPlan.hotEpisodeBase {
                #expect(!line.contains("--noise") && !line.contains("--faults"), "a hot episode has neither: \(line)")
            }
        }
    }

    static func episode(threads: Int = 2, _ jobs: [PlannedJob]) -> Episode {
        Episode(index: 1_000_001_181, scheduler: .basic, reducer: .slot, threadCount: threads, spin: .spinLong,
                pinning: true, noiseLevel: 2, jobs: jobs, phase: .hot)
    }

    static func job(_ target: UInt64, _ fault: PlannedFault? = nil) -> PlannedJob {
        PlannedJob(target: target, gapMicroseconds: 50, fault: fault)
    }

    @Test("The explore line names the failing job's pool and the jobs before it, as a scenario")
    func exploreScenario() throws {
        let jobs = [7, 3, 1, 0, 0, 0, 1, 9].map { Self.job($0) }
        // The scenario's number is the episode's plus its first job's index (see `scenarioText`).
        #expect(ExplorationOffer.scenario(of: Self.episode(jobs), jobIndex: 6) == "basic+slot:2:1,0,0,0,1#1000001183")
        #expect(ExplorationOffer.scenario(of: Self.episode(jobs), jobIndex: 1) == "basic+slot:2:7,3#1000001181")
        let command = try #require(ExplorationOffer.command(for: Self.episode(jobs), jobIndex: 2, variant: .lateUnlock))
        #expect(command == ExploreCommand.buildCommand + " --explore --strategy dfs --variant late-unlock --scenario basic+slot:2:7,3,1#1000001181")
        #expect(ExplorationOffer.scenario(of: Self.episode(jobs), jobIndex: 8) == nil)
    }

    @Test("A pool ends at a fault that stops it; a long stall becomes no fault; what the explorer cannot take, no line")
    func exploreScenarioEdges() {
        let stop = PlannedFault(kind: .shareThrow, thread: 1, point: .shareDone, stallMicroseconds: 0)
        let stall = PlannedFault(kind: .longStall, thread: 0, point: .beforeMerge, stallMicroseconds: 20_000)
        let jobs = [Self.job(4), Self.job(5, stop), Self.job(6, stall), Self.job(8)]
        #expect(ExplorationOffer.scenario(of: Self.episode(jobs), jobIndex: 3) == "basic+slot:2:6,8#1000001183")
        #expect(ExplorationOffer.scenario(of: Self.episode(jobs), jobIndex: 1) == "basic+slot:2:4,5+throw-in-share@share/t1#1000001181")
        #expect(ExplorationOffer.scenario(of: Self.episode(threads: ScheduleRunLimits.maximumThreads + 1, jobs), jobIndex: 0) == nil)
        #expect(ExplorationOffer.scenario(of: Self.episode([Self.job(ScheduleRunLimits.maximumTarget + 1)]), jobIndex: 0) == nil)
        #expect(ExplorationOffer.scenario(of: Self.episode(threads: 1, jobs), jobIndex: 0) == nil)
    }
}
