#if Exploration
import Pool
@testable import StressKit
import Testing

/// DFS counts schedules the way they can be counted by hand, on a body too small to hide
/// anything: thread 0 creates thread 1, each stores to two words (a, b and c, d), thread 0
/// joins. The orders of the four stores are the C(4,2) = 6 interleavings of (a, b) and
/// (c, d); the preemptions each needs (a switch away from a thread that could go on):
///
///     a b c d  0      c d a b  1      a c d b  1
///     a c b d  2      c a b d  2      c a d b  3
///
/// Thread 1's start, its exit and thread 0's join are no choice: they only ever have one
/// option. So DFS with P preemptions runs 1, 3, 5, 6, 6 schedules for P = 0 ... 4.
@Suite("Exploration: hand-counted DFS", .serialized)
struct ScheduleCountTests {
    /// Thread 1 stores 1 to x then y (c, d); thread 0 stores 2 to x then y (a, b), then joins
    /// and appends the end state (x, y) to `outcomes`.
    static func twoByTwo(_ words: Words, outcomes: Outcomes?) -> @Sendable () -> Void {
        {
            words.reset()
            let worker = ControlledThread(1) {
                words.first.store(1, ordering: .relaxed)
                words.second.store(1, ordering: .relaxed)
            }
            words.first.store(2, ordering: .relaxed)
            words.second.store(2, ordering: .relaxed)
            worker.join()
            outcomes?.append("\(words.first.load(ordering: .relaxed))\(words.second.load(ordering: .relaxed))")
        }
    }

    @Test("Two threads, two stores each: 1, 3, 5, 6, 6 schedules for P = 0 ... 4",
          arguments: [(0, 1), (1, 3), (2, 5), (3, 6), (4, 6)])
    func twoByTwo(bound: Int, expected: Int) {
        ExplorationHarness.lock.withLock { _ in
            let words = Words()
            defer { words.deallocate() }
            let (schedules, findings) = ExplorationHarness.countSchedules(bound: bound, Self.twoByTwo(words, outcomes: nil))
            #expect(schedules == expected)
            #expect(findings.isEmpty)
        }
    }

    @Test("The six schedules end in the states the six orders give")
    func finalStates() {
        ExplorationHarness.lock.withLock { _ in
            let words = Words()
            defer { words.deallocate() }
            let outcomes = Outcomes()
            _ = ExplorationHarness.countSchedules(bound: 4, Self.twoByTwo(words, outcomes: outcomes))
            // Last writer of x, then of y: abcd 11, cdab 22, acdb 12, acbd 11, cabd 21, cadb 22.
            #expect(outcomes.values.sorted() == ["11", "11", "12", "21", "22", "22"])
        }
    }
}

/// Results a custom body appends (it runs on one controlled thread at a time).
final class Outcomes: @unchecked Sendable {
    private(set) var values: [String] = []
    func append(_ value: String) { values.append(value) }
}
#endif
