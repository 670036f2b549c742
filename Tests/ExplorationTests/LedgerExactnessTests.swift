#if Exploration
@testable import StressKit
import Testing

/// The driver's per-job books judge the real pool exactly under every schedule: a worker
/// preempted between its slot's release and its decrement probe, while the caller runs
/// jobs on its own and opens a job in the same ring entry, is not a violation. Every
/// schedule of that scenario with up to 1 preemption (the finding needed one) runs clean. (Counted by ring entry
/// alone, schedule `21a` of this scenario reported "the reducer count underflowed in
/// job 5", a false violation of the unmodified pool.)
@Suite("Exploration: the job ledger under every schedule", .serialized)
struct LedgerExactnessTests {
    static let scenario = "basic+slot:2:1,0,0,0,1"

    @Test("Barrier scheduler, slot reducer, 1-item jobs around caller-alone ones: every schedule with ≤ 1 preemption is clean")
    func callerAloneJobsBetweenParallelOnes() throws {
        try ExplorationHarness.lock.withLock { _ in
            let setup = try ExplorationHarness.setup(["--strategy", "dfs", "--preemptions", "1", "--scenario", Self.scenario,
                                                      "--quiet", "--no-pin"])
            var search = ExplorationSearch(setup: setup)
            let outcome = search.search()
            guard case .clean = outcome else {
                Issue.record("the real pool failed under \(Self.scenario): \(outcome)")
                return
            }
        }
    }

    @Test("The schedule that reported the false underflow replays clean")
    func foundScheduleReplaysClean() throws {
        try ExplorationHarness.lock.withLock { _ in
            let setup = try ExplorationHarness.setup(["--scenario", Self.scenario, "--quiet", "--no-pin"])
            let search = ExplorationSearch(setup: setup)
            let replayed = search.explorer.replay(try ScenarioText.parse(Self.scenario), try #require(Schedule(text: "21a")))
            #expect(replayed.finding == nil, "\(replayed.finding.map { "\($0.kind): \($0.message)" } ?? "")")
            #expect(replayed.decisions > 73, "the replay ended before the late decrement")
        }
    }
}
#endif
