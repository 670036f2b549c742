import Pool
import PoolSupport
import TestSupport
import Testing

/// Rounds of contributions for the reducer harness, from a seed: random rounds whose sums
/// fit, then rounds summing to just below, at, and just above UInt64.max.
func reducerRounds(threadCount: Int, seed: UInt64, randomRounds: Int) -> [[UInt64]] {
    var generator = SplitMix64(seed: seed)
    var rounds = (0..<randomRounds).map { _ in
        (0..<threadCount).map { _ in UInt64.random(in: 0 ... (1 << 40), using: &generator) }
    }
    let excesses = threadCount == 1 ? [-1, 0] : [-1, 0, 1, 2]
    rounds += excesses.map { PoolChecks.contributions(threadCount: threadCount, excess: $0) }
    return rounds
}

extension PropertyTests {
    @Suite("Reducer, driven alone")
    struct ReducerTests {
        @Test("One total, the sum, each contribution counted once (a count that never underflows), ordered witnesses",
              arguments: ReducerChoice.allCases, SeededRun.all)
        func reducer(kind: ReducerChoice, run: SeededRun) {
            let rounds = reducerRounds(threadCount: run.threadCount, seed: run.seed, randomRounds: 150)
            let verdict = withWatchdog(seconds: 60, "reducer harness") {
                ReducerHarness.run(kind.type, rounds: rounds)
            }
            expectNoFindings(verdict, "\(kind), \(run.threadCount) threads, seed \(run.seed)")
        }
    }
}
