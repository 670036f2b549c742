#if Exploration
import Canaries
@testable import StressKit
import Testing

/// Each strategy catches each canary that is not ThreadSanitizer's, within the self-test's
/// budget, on the self-test's scenarios (`ExplorationSelfTest.scenarioFlags`); and the real
/// pool passes the same hunts.
@Suite("Exploration: every strategy catches every canary", .serialized)
struct CanaryHuntTests {
    static let hunts: [(Canary, ExplorationOptions.Strategy)] = ExplorationSelfTest.canaries.flatMap { canary in
        ExplorationOptions.Strategy.allCases.map { (canary, $0) }
    }

    static func arguments(_ strategy: ExplorationOptions.Strategy, scenarioOf canary: Canary,
                          schedules: Int = ExplorationSelfTest.defaultBudget) -> [String] {
        ["--strategy", strategy.rawValue, "--seed", "1", "--schedules", "\(schedules)",
         "--quiet", "--no-pin", "--no-shrink"] + ExplorationSelfTest.scenarioFlags(canary, strategy)
    }

    @Test("Caught", arguments: hunts)
    func caught(canary: Canary, strategy: ExplorationOptions.Strategy) throws {
        try ExplorationHarness.lock.withLock { _ in
            let setup = try ExplorationHarness.setup(Self.arguments(strategy, scenarioOf: canary) + ["--variant", canary.rawValue])
            var search = ExplorationSearch(setup: setup)
            guard case .finding(let result, _, _) = search.search() else {
                Issue.record("\(canary.rawValue) survived \(ExplorationSelfTest.defaultBudget) \(strategy.rawValue) schedules")
                return
            }
            #expect(result.finding != nil)
        }
    }

    @Test("The real pool passes the hunts' scenarios", arguments: ExplorationOptions.Strategy.allCases)
    func realPoolPasses(strategy: ExplorationOptions.Strategy) throws {
        try ExplorationHarness.lock.withLock { _ in
            let setup = try ExplorationHarness.setup(Self.arguments(strategy, scenarioOf: .noStopOnFailure, schedules: 3000))
            var search = ExplorationSearch(setup: setup)
            if case .finding(let result, _, _) = search.search() {
                Issue.record("the real pool failed: \(result.finding!.message) on \(result.scenario.scenarioText), schedule \(result.schedule.text)")
            }
        }
    }
}
#endif
