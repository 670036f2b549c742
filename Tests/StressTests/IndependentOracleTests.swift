import Canaries
import Glibc
import Pool
import StressKit
import Testing

/// The driver's oracle is independent of the pool it judges: its split of a job
/// (`StressOracle.share`) is the contract's, written without `Share.of`, and it holds the
/// contract's properties on its own; a pool whose split differs from it with a right total
/// (`misplaced-remainder`) fails a stress run within seconds.
@Suite("Independent oracle")
struct IndependentOracleTests {
    static let targets: [UInt64] = [0, 1, 2, 3, 7, 8, 9, 100, 1023, 4097, UInt64.max - 1, .max]

    @Test("The oracle's split is contiguous, covering, sizes within one, remainder on the lowest threads",
          arguments: [1, 2, 3, 4, 7, 64, ThreadPoolLimits.maximumThreads], targets)
    func oracleSplitHoldsTheContract(threadCount: Int, target: UInt64) {
        let evenPart = target / UInt64(threadCount)
        let leftOver = target % UInt64(threadCount)
        var next: UInt64 = 0
        for thread in 0..<threadCount {
            let (offset, count) = StressOracle.share(thread: thread, threadCount: threadCount, target: target)
            #expect(offset == next, "thread \(thread)'s share starts at \(offset), not where thread \(thread - 1)'s ended (\(next))")
            #expect(count == (UInt64(thread) < leftOver ? evenPart + 1 : evenPart), "thread \(thread) of \(threadCount), target \(target): count \(count)")
            next = offset &+ count
        }
        #expect(next == target, "the shares cover 0 ..< \(next), not 0 ..< \(target)")
    }

    @Test("The pool's split agrees with the oracle's, and the oracle finds nothing wrong with it",
          arguments: [1, 2, 3, 5, 16], targets)
    func poolSplitAgrees(threadCount: Int, target: UInt64) {
        for thread in 0..<threadCount {
            let share = SequenceScheduler.share(thread: thread, threadCount: threadCount, target: target)
            #expect(StressOracle.shareViolation(share, target: target) == nil)
        }
    }

    @Test("The misplaced remainder is named, shares of a right total", arguments: [(3, UInt64(10)), (4, 6), (2, 9), (5, 4)])
    func misplacedRemainderIsNamed(threadCount: Int, target: UInt64) {
        typealias Broken = SequenceSchedulerWith<MisplacedRemainder>
        let shares = (0..<threadCount).map { Broken.share(thread: $0, threadCount: threadCount, target: target) }
        #expect(shares.map(\.count).reduce(0, +) == target, "the canary keeps the total")
        let findings = shares.compactMap { StressOracle.shareViolation($0, target: target) }
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0.contains("remainder") || $0.contains("contiguous") }, "\(findings)")
    }

    @Test("A stress run catches the misplaced remainder within 5 seconds", .runsCanary)
    func stressCatchesMisplacedRemainder() async {
        await expectDriverRun(["--variant", Canary.misplacedRemainder.rawValue, "--seconds", "5",
                               "--threads", "2,3,4", "--faults", "0", "--noise", "0", "--quiet"],
                              endsAs: .exitCode(1), showing: ["VIOLATION (wrong result)", "the contract gives"])
    }
}
