import Pool
import TestSupport
import Testing

/// What a failing share throws.
struct ShareFailure: Error, Equatable, CustomStringConvertible {
    var thread: Int
    var description: String { "share of thread \(thread) threw" }
}

/// One fault: a share that throws, or a probe that throws at a point, on one thread.
struct Fault: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The probe point's raw value; nil for "the share throws".
    var pointValue: UInt8?
    var thread: Int

    static func share(_ thread: Int) -> Fault { Fault(pointValue: nil, thread: thread) }
    static func probe(_ point: ProbePoint, _ thread: Int) -> Fault { Fault(pointValue: point.rawValue, thread: thread) }

    var point: ProbePoint? { pointValue.flatMap(ProbePoint.init(rawValue:)) }

    /// Whether the failure may land after this thread's contribution is merged (so its
    /// job may still succeed). Parking happens between jobs, after the worker merged.
    var mayLandAfterContribution: Bool {
        guard let point else { return false }
        return point.isAfterContribution || point == .beforePark || point == .afterWake
    }

    /// Whether `error`, reported for `thread`, is the failure this fault throws.
    func explains(thread failedThread: Int, error: any Error) -> Bool {
        guard failedThread == thread else { return false }
        if let point {
            return (error as? InjectedFailure).map { $0.point == point && $0.thread == thread } ?? false
        }
        return (error as? ShareFailure) == ShareFailure(thread: thread)
    }

    var description: String { point.map { "probe at \($0) on thread \(thread)" } ?? "share of thread \(thread) throws" }
}

/// A panic test case: a pool, and the faults armed in it.
struct PanicCase: Hashable, Sendable, Codable, CustomTestStringConvertible {
    var kind: SchedulerChoice
    var reducer: ReducerChoice = .spinlock
    var threadCount: Int
    var faults: [Fault]

    init(kind: SchedulerChoice, reducer: ReducerChoice = .spinlock, threadCount: Int, faults: [Fault]) {
        self.kind = kind
        self.reducer = reducer
        self.threadCount = threadCount
        self.faults = faults
    }

    /// Parking points fire only if workers park: those cases use `.parkImmediately`.
    var parks: Bool { faults.contains { $0.point == .beforePark || $0.point == .afterWake } }
    var policy: SpinPolicy { parks ? .parkImmediately : .default }
    /// Threads whose fault needs them to merge before the others (to take the lock).
    var mergeFirst: Set<Int> { Set(faults.filter { $0.point == .lockTaken || $0.point == .lockReleasing }.map(\.thread)) }
    /// Threads whose fault needs them to merge last (to receive the total).
    var mergeLast: Set<Int> { Set(faults.filter { $0.point == .totalReceived }.map(\.thread)) }

    var testDescription: String { "\(kind)+\(reducer), \(threadCount) threads: \(faults.map(\.description).joined(separator: " + "))" }
}

extension PanicCase {
    /// A share throws, on each thread index of each pool size, for every pair of blocks.
    static let throwingShares: [PanicCase] = PoolBlocks.all.flatMap { blocks in
        threadCounts.flatMap { threads in
            (0..<threads).map { PanicCase(kind: blocks.scheduler, reducer: blocks.reducer, threadCount: threads, faults: [.share($0)]) }
        }
    }

    /// The threads that pass `point` in a pool of `threadCount` (> 1) threads with `reducer`.
    /// The slot reducer has no lock, and only the caller receives its totals.
    static func threads(passing point: ProbePoint, threadCount: Int, reducer: ReducerChoice) -> [Int] {
        switch point {
        case .beforePark, .afterWake, .taskClaimed, .allTasksClaimed: Array(1..<threadCount)
        case .jobStarted: [0]
        case .shareDone, .beforeMerge, .countDecremented: Array(0..<threadCount)
        case .lockTaken, .lockReleasing: reducer == .spinlock ? Array(0..<threadCount) : []
        case .totalReceived: reducer == .spinlock ? Array(0..<threadCount) : [0]
        case .stopRaised: []  // a throw there is ignored by contract: the thread is already failing
        case .barrierCompleted, .beforePublish: []  // basic only, and whichever party arrives last: not one thread
        }
    }

    /// A probe throws at each probe point (but stopRaised), on each thread that passes it,
    /// for every pair of blocks.
    static let probeFaults: [PanicCase] = PoolBlocks.all.flatMap { blocks in
        ProbePoint.allCases.flatMap { point in
            threads(passing: point, threadCount: 3, reducer: blocks.reducer).map {
                PanicCase(kind: blocks.scheduler, reducer: blocks.reducer, threadCount: 3, faults: [.probe(point, $0)])
            }
        }
    }

    /// Several faults at once, for every pair of blocks (faults at points a pool's reducer
    /// never passes are dropped; a case left with none is dropped).
    static let severalFaults: [PanicCase] = PoolBlocks.all.flatMap { blocks in
        [
            PanicCase(kind: blocks.scheduler, threadCount: 4, faults: (0..<4).map { .share($0) }),
            PanicCase(kind: blocks.scheduler, threadCount: 4, faults: [.share(1), .share(3)]),
            PanicCase(kind: blocks.scheduler, threadCount: 4, faults: [.probe(.beforeMerge, 1), .probe(.beforeMerge, 2), .share(3)]),
            PanicCase(kind: blocks.scheduler, threadCount: 3, faults: [.probe(.jobStarted, 0), .probe(.taskClaimed, 2)]),
            PanicCase(kind: blocks.scheduler, threadCount: 3, faults: (0..<3).map { .probe(.totalReceived, $0) }),
            PanicCase(kind: blocks.scheduler, threadCount: 4, faults: (0..<4).map { .probe(.countDecremented, $0) }),
            PanicCase(kind: blocks.scheduler, threadCount: 3, faults: [.probe(.lockTaken, 1), .probe(.lockReleasing, 2)]),
            PanicCase(kind: blocks.scheduler, threadCount: 2, faults: [.share(0), .probe(.beforePark, 1)]),
            PanicCase(kind: blocks.scheduler, threadCount: 8, faults: [.share(7), .probe(.allTasksClaimed, 3), .probe(.shareDone, 5)]),
            PanicCase(kind: blocks.scheduler, threadCount: 3, faults: ProbePoint.allCases.filter { $0 != .stopRaised }.map { .probe($0, 1) }),
        ].compactMap { $0.onReducer(blocks.reducer) }
    }

    /// This case on a pool with `reducer`, without the faults at points that reducer's
    /// threads never pass; nil if none is left.
    func onReducer(_ reducer: ReducerChoice) -> PanicCase? {
        let reachable = faults.filter { fault in
            fault.point.map { Self.threads(passing: $0, threadCount: threadCount, reducer: reducer).contains(fault.thread) } ?? true
        }
        if reachable.isEmpty { return nil }
        return PanicCase(kind: kind, reducer: reducer, threadCount: threadCount, faults: reachable)
    }
}
