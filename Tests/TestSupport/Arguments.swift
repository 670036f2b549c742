import Pool
import PoolSupport
import Testing

/// The schedulers every parameterized test runs over. (Not the stress driver's
/// `SchedulerKind`, which is a command-line choice of the plan.)
package enum SchedulerChoice: String, CaseIterable, Codable, Sendable, CustomTestStringConvertible {
    case futex
    case basic
    case sequence

    package var type: any InspectableScheduler.Type {
        switch self {
        case .futex: FutexScheduler.self
        case .basic: BasicScheduler.self
        case .sequence: SequenceScheduler.self
        }
    }

    package var testDescription: String { rawValue }
}

/// The reducers every parameterized test runs over.
package enum ReducerChoice: String, CaseIterable, Codable, Sendable, CustomTestStringConvertible {
    case spinlock
    case slot

    package var type: any InspectableReducer.Type {
        switch self {
        case .spinlock: SpinLockReducer.self
        case .slot: SlotReducer.self
        }
    }

    package var testDescription: String { rawValue }
}

/// A scheduler and a reducer: the blocks of one pool (every pair, for the pool-level tests).
package struct PoolBlocks: Hashable, Codable, Sendable, CustomTestStringConvertible {
    package var scheduler: SchedulerChoice
    package var reducer: ReducerChoice

    package init(_ scheduler: SchedulerChoice, _ reducer: ReducerChoice) {
        self.scheduler = scheduler
        self.reducer = reducer
    }

    package static let all = SchedulerChoice.allCases.flatMap { scheduler in ReducerChoice.allCases.map { PoolBlocks(scheduler, $0) } }

    package var testDescription: String { "\(scheduler.rawValue)+\(reducer.rawValue)" }
}

/// The thread counts every property runs at: 1, 2, 3, 4, 8 (2 cores: 3 and more oversubscribe).
package let threadCounts = [1, 2, 3, 4, 8]

/// A job target, relative to the thread count N where the interesting values depend on it.
package enum TargetCase: Hashable, Sendable, Codable, CustomTestStringConvertible {
    case zero
    case one
    case threadsMinusOne
    case threads
    case threadsPlusOne
    /// Uniform in 0 ... 2^32, drawn from SplitMix64(seed): rerun one case alone by its seed.
    case random(seed: UInt64)
    /// UInt64.max - distance: the largest targets, where share arithmetic could overflow.
    case nearMaximum(distance: UInt64)

    package func value(threadCount: Int) -> UInt64 {
        let threads = UInt64(threadCount)
        switch self {
        case .zero: return 0
        case .one: return 1
        case .threadsMinusOne: return threads - 1
        case .threads: return threads
        case .threadsPlusOne: return threads + 1
        case .random(let seed):
            var generator = SplitMix64(seed: seed)
            return UInt64.random(in: 0 ... (1 << 32), using: &generator)
        case .nearMaximum(let distance): return UInt64.max - distance
        }
    }

    package static let fixed: [TargetCase] = [.zero, .one, .threadsMinusOne, .threads, .threadsPlusOne]
    package static let randomSeeds: [UInt64] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003]
    package static let all: [TargetCase] = fixed + randomSeeds.map { .random(seed: $0) }
        + [.nearMaximum(distance: 0), .nearMaximum(distance: 1), .nearMaximum(distance: 7)]

    package var testDescription: String {
        switch self {
        case .zero: "0"
        case .one: "1"
        case .threadsMinusOne: "N-1"
        case .threads: "N"
        case .threadsPlusOne: "N+1"
        case .random(let seed): "random(seed: 0x\(String(seed, radix: 16)))"
        case .nearMaximum(let distance): "UInt64.max-\(distance)"
        }
    }
}

/// A thread count and a target: the second argument of tests whose first is the scheduler,
/// so that scheduler × threads × target stays a two-collection `@Test`.
package struct SizedTarget: Sendable, CustomTestStringConvertible {
    package var threadCount: Int
    package var target: TargetCase

    package static let all = threadCounts.flatMap { threads in TargetCase.all.map { SizedTarget(threadCount: threads, target: $0) } }

    package var testDescription: String { "\(threadCount) threads, target \(target.testDescription)" }
}

/// A thread count and a seed, for randomised runs of many jobs.
package struct SeededRun: Sendable, CustomTestStringConvertible {
    package var threadCount: Int
    package var seed: UInt64

    package static let all = threadCounts.flatMap { threads in TargetCase.randomSeeds.map { SeededRun(threadCount: threads, seed: $0) } }

    package var testDescription: String { "\(threadCount) threads, seed 0x\(String(seed, radix: 16))" }
}

/// A scheduler and a thread count (Codable: exit tests capture it).
package struct PoolShape: Sendable, Codable, CustomTestStringConvertible {
    package var kind: SchedulerChoice
    package var threadCount: Int

    package init(kind: SchedulerChoice, threadCount: Int) {
        self.kind = kind
        self.threadCount = threadCount
    }

    package static func all(threadCounts: [Int]) -> [PoolShape] {
        SchedulerChoice.allCases.flatMap { kind in threadCounts.map { PoolShape(kind: kind, threadCount: $0) } }
    }

    package var testDescription: String { "\(kind), \(threadCount) threads" }
}
