import Pool
import Synchronization

/// Counts every probe point per thread, and keeps what the detectors need from the values
/// the points carry: the reducer's new count at `countDecremented`, the total at
/// `totalReceived`, and the job (by its target) at `taskClaimed`.
package final class ProbeLog: Sendable {
    package let threadCount: Int
    /// [point][thread] reach counts.
    package let reaches: AtomicCounters
    /// [new count] for counts 0 ..< threadCount; index threadCount counts values out of range.
    package let decrementedTo: AtomicCounters
    /// The last out-of-range value seen at `countDecremented` (a wrapped count).
    package let outOfRangeCount = Atomic<UInt64>(0)
    package let totalsReceived = Atomic<Int>(0)
    package let lastTotal = Atomic<UInt64>(0)
    package let claims: ClaimLedger?

    package init(threadCount: Int, claims: ClaimLedger? = nil) {
        self.threadCount = threadCount
        reaches = AtomicCounters(count: ProbePoint.allCases.count * threadCount)
        decrementedTo = AtomicCounters(count: threadCount + 1)
        self.claims = claims
    }

    package func reaches(_ point: ProbePoint, thread: Int) -> Int {
        reaches[Int(point.rawValue) * threadCount + thread]
    }

    /// Forgets the counts of the last round (call only while no thread can reach a point).
    package func resetRound() {
        decrementedTo.reset()
        // relaxed: see AtomicCounters; the harness orders rounds.
        outOfRangeCount.store(0, ordering: .relaxed)
        totalsReceived.store(0, ordering: .relaxed)
        lastTotal.store(0, ordering: .relaxed)
    }

    fileprivate func record(_ point: ProbePoint, thread: Int, value: UInt64) {
        if thread >= 0 && thread < threadCount { reaches.increment(Int(point.rawValue) * threadCount + thread) }
        switch point {
        case .countDecremented:
            if value < UInt64(threadCount) {
                decrementedTo.increment(Int(value))
            } else {
                decrementedTo.increment(threadCount)
                outOfRangeCount.store(value, ordering: .relaxed)
            }
        case .totalReceived:
            totalsReceived.wrappingAdd(1, ordering: .relaxed)
            lastTotal.store(value, ordering: .relaxed)
        case .taskClaimed:
            claims?.record(thread: thread, target: value)
        default:
            break
        }
    }

    /// The underflow detector over one round of `threadCount` merges: every new count
    /// 0 ..< threadCount seen exactly once, none out of range (a wrapped count).
    package func countVerdict() -> CheckVerdict {
        var verdict = CheckVerdict()
        let outOfRange = decrementedTo[threadCount]
        verdict.check(outOfRange == 0, .countUnderflow,
                      "\(outOfRange) decrement(s) left the count out of range, e.g. \(outOfRangeCount.load(ordering: .relaxed))")
        let seen = (0..<threadCount).map { decrementedTo[$0] }
        verdict.check(seen.allSatisfy { $0 == 1 }, .countUnderflow,
                      "new counts 0 ..< \(threadCount) seen \(seen) times (each must be seen once)")
        return verdict
    }
}

/// A probe that records into a `ProbeLog`, then runs an optional action (a delay or an
/// injected failure: PanicTests uses it).
package struct RecordingProbe: PoolProbe {
    package typealias Action = @Sendable (ProbePoint, Int, UInt64) throws(InjectedFailure) -> Void

    package let log: ProbeLog
    package let action: Action?

    package init(log: ProbeLog, action: Action? = nil) {
        self.log = log
        self.action = action
    }

    package func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure) {
        log.record(point, thread: thread, value: value)
        if let action { try action(point, thread, value) }
    }
}

/// Which job each worker claimed, and how often: the exactly-once detector.
///
/// Jobs are told apart by their targets, which must therefore be distinct within one run.
package final class ClaimLedger: Sendable {
    package let threadCount: Int
    package let targets: [UInt64]
    private let jobOfTarget: [UInt64: Int]
    /// [thread][job] claims.
    private let table: AtomicCounters
    private let strayClaims = AtomicCounters(count: 1)

    package init(threadCount: Int, targets: [UInt64]) {
        precondition(Set(targets).count == targets.count, "ClaimLedger: targets must be distinct, got \(targets)")
        self.threadCount = threadCount
        self.targets = targets
        jobOfTarget = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, $0) })
        table = AtomicCounters(count: threadCount * max(targets.count, 1))
    }

    package func record(thread: Int, target: UInt64) {
        guard let job = jobOfTarget[target], thread >= 0, thread < threadCount else {
            strayClaims.increment(0)
            return
        }
        table.increment(thread * targets.count + job)
    }

    /// Whether some thread has claimed some job more than once so far.
    package var hasRepeatedClaim: Bool {
        (0..<(threadCount * targets.count)).contains { table[$0] > 1 }
    }

    /// Checks that every worker claimed job j exactly `expected[j]` times, and that the
    /// caller (thread 0) claimed nothing.
    package func verdict(expected: [Int]) -> CheckVerdict {
        var verdict = CheckVerdict()
        verdict.check(strayClaims[0] == 0, .doubleProcessing, "\(strayClaims[0]) claim(s) of a target no job had")
        for job in targets.indices {
            for thread in 0..<threadCount {
                let claimed = table[thread * targets.count + job]
                let wanted = thread == 0 ? 0 : expected[job]
                if claimed > wanted {
                    verdict.report(.doubleProcessing, "thread \(thread) claimed job \(job) (target \(targets[job])) \(claimed) times, expected \(wanted)")
                } else if claimed < wanted {
                    verdict.report(.missedTask, "thread \(thread) claimed job \(job) (target \(targets[job])) \(claimed) times, expected \(wanted)")
                }
            }
        }
        return verdict
    }
}
