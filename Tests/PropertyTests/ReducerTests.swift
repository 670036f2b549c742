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
        @Test("SpinLockReducer: one total, the sum, a count that never underflows, ordered witnesses",
              arguments: threadCounts, TargetCase.randomSeeds)
        func spinLockReducer(threadCount: Int, seed: UInt64) {
            let rounds = reducerRounds(threadCount: threadCount, seed: seed, randomRounds: 150)
            let verdict = withWatchdog(seconds: 60, "reducer harness") {
                ReducerHarness.run(SpinLockReducer.self, rounds: rounds)
            }
            expectNoFindings(verdict, "SpinLockReducer, \(threadCount) threads, seed \(seed)")
        }
    }
}
