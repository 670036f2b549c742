import Canaries
import Glibc
import Pool
import StressKit
import Testing

/// The footprint detector (`ResourceBudget`, what the stress driver's watchdog checks): pools
/// created and destroyed by the hundred stay within the budget, and a pool whose shutdown
/// never joins its workers (the `never-joins` canary: the real pool with that one step
/// broken) crosses it. Exit tests: the footprint must be this process's alone.
@Suite("Pool churn stays within the resource budget", .serialized)
struct ResourceBudgetTests {
    /// Creates, uses once and destroys up to `pools` pools of 4 threads whose shutdown is
    /// `steps`, checking the budget after each; returns the pool after which it was crossed
    /// and why, or nil.
    ///
    /// Before each check it waits (at most 10 s) until the pool's workers have ended: a
    /// shutdown that does not join returns while its stopped workers may still be on their
    /// way out, and on a loaded machine a few pools' worth of them would cross the thread
    /// bound first. What this churn measures is what a pool leaves behind once its threads
    /// are gone.
    static func churn(pools: Int, steps: any ShutdownSteps.Type) -> (pool: Int, crossed: String)? {
        let baseline = ProcessFootprint.sample()
        let budget = ResourceBudget(baseline: baseline, callers: 1, maximumPoolThreads: 4, helperThreads: 0)
        for index in 1...pools {
            var configuration = PoolConfiguration(threadCount: 4)
            configuration.shutdownSteps = steps
            do {
                var pool = try CountingPool(configuration: configuration)
                guard try pool.run(target: 1000) == 1000 else { return (index, "wrong result") }
            } catch {
                return (index, "pool \(index): \(error)")
            }
            _ = poll(seconds: 10) { ProcessFootprint.sample().threads <= baseline.threads }
            if let crossed = budget.check(ProcessFootprint.sample()) { return (index, crossed) }
        }
        return nil
    }

    @Test("The real pool: 300 pools created and destroyed stay within the budget")
    func realPoolStaysWithin() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            alarm(120)
            if let (pool, crossed) = ResourceBudgetTests.churn(pools: 300, steps: CorrectShutdownSteps.self) {
                StandardError.write("after pool \(pool): \(crossed)\n")
                exit(1)
            }
            exit(0)
        }
        if let result, result.exitStatus != .exitCode(0) {
            Issue.record("the real pool crossed the budget: \(String(decoding: result.standardErrorContent, as: UTF8.self))")
        }
    }

    @Test("never-joins: a pool whose shutdown raises stop but never joins crosses the budget (the detector fires)")
    func neverJoiningPoolCrosses() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            alarm(120)
            guard let steps = Canary.neverJoins.shutdownSteps,
                  let (pool, crossed) = ResourceBudgetTests.churn(pools: 2000, steps: steps) else { exit(1) }
            StandardError.write("crossed after pool \(pool): \(crossed)\n")
            exit(crossed.contains("memory mappings") ? 0 : 2)
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("crossed after pool "), "the leak went unnoticed: \(standardError)")
    }

    @Test("The bound is the baseline plus what the most threads at once may hold")
    func bound() {
        let baseline = ProcessFootprint(threads: 3, virtualBytes: 100 << 20, residentBytes: 10 << 20, mappings: 80)
        let budget = ResourceBudget(baseline: baseline, callers: 2, maximumPoolThreads: 4, helperThreads: 1)
        #expect(budget.liveThreads == 2 * 4 + 1 + 4 && budget.bound.threads == 3 + budget.liveThreads)
        let stacks = budget.liveThreads + budget.cachedStacks
        #expect(budget.bound.mappings == 80 + 2 * stacks + 2 * budget.mallocArenas + 64 + 80 / 4)
        #expect(budget.bound.virtualBytes > baseline.virtualBytes + stacks * budget.stackBytes)
        #expect(budget.check(baseline) == nil && budget.peak == baseline)
        var over = baseline
        over.mappings = budget.bound.mappings + 1
        let crossed = budget.check(over)
        #expect(crossed?.hasPrefix("\(over.mappings) memory mappings (bound \(budget.bound.mappings)") == true)
        #expect(budget.peak.mappings == over.mappings)
        #expect(budget.check(baseline) == nil, "the bound does not move with the peak")
    }
}
