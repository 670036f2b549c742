import Synchronization

/// The run's protocol-race counts and job counts per phase (`StressPhase`).
///
/// A pool's race counts are added once, when the pool ends (`add`); a report taken while
/// pools still run (a violation) adds the live pools' snapshots (`snapshot`). Jobs and
/// episodes are counted as they run: one relaxed increment per job on a per-phase word,
/// which only the one caller thread of a hot phase touches.
public final class RunCoverage: @unchecked Sendable {
    private static var races: Int { ProtocolRace.allCases.count }
    /// Per phase (in `StressPhase.allCases` order), a block: the race counts.
    private let counts = AtomicWordBlocks(count: StressPhase.allCases.count, stride: ProtocolRace.allCases.count)
    /// Per phase, a cache line of its own: jobs, then episodes.
    private let tallies = AtomicWordBlocks(count: StressPhase.allCases.count, stride: CacheLine.words)

    public init() {}

    private static func row(_ phase: StressPhase) -> Int { StressPhase.allCases.firstIndex(of: phase)! }

    private func tally(_ phase: StressPhase, _ word: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        tallies[Self.row(phase), word]
    }

    /// A pool of `phase` ended: adds its race totals (`ProbeRecord.raceTotals`).
    public func add(_ totals: [UInt64], phase: StressPhase) {
        for (race, count) in totals.enumerated() where count > 0 {
            // relaxed: tallies, read after the caller threads are joined (or as a snapshot).
            counts[Self.row(phase), race].pointee.wrappingAdd(count, ordering: .relaxed)
        }
    }

    /// One job of `phase` ran (either way).
    @inline(__always)
    public func jobDone(_ phase: StressPhase) {
        // relaxed: a tally.
        tally(phase, 0).pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// One episode of `phase` began.
    public func episodeBegan(_ phase: StressPhase) {
        // relaxed: a tally.
        tally(phase, 1).pointee.wrappingAdd(1, ordering: .relaxed)
    }

    public func jobs(in phase: StressPhase) -> UInt64 { tally(phase, 0).pointee.load(ordering: .relaxed) }
    public func episodes(in phase: StressPhase) -> UInt64 { tally(phase, 1).pointee.load(ordering: .relaxed) }

    /// Race counts per phase, in `ProtocolRace.allCases` order, plus `live` pools' totals.
    public func snapshot(adding live: [(totals: [UInt64], phase: StressPhase)] = []) -> [StressPhase: [UInt64]] {
        var result: [StressPhase: [UInt64]] = [:]
        for phase in StressPhase.allCases {
            // relaxed: see `add`.
            result[phase] = (0..<Self.races).map { counts[Self.row(phase), $0].pointee.load(ordering: .relaxed) }
        }
        for pool in live {
            result[pool.phase] = zip(result[pool.phase]!, pool.totals).map { $0 &+ $1 }
        }
        return result
    }
}
