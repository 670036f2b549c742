#if Exploration
import Pool
@testable import StressKit
import Testing

/// `ParkingWord`'s store-buffer (Dekker) pair under the memory model: correct with seq_cst as
/// C++20 defines it (no schedule, no choice of stores loses the wake-up), and flagged by
/// loom's approximation, which treats seq_cst as acquire/release: the approximation cannot
/// judge this pair, which is why the model keeps the seq_cst rules.
@Suite("Exploration: the store-buffer pair and seq_cst", .serialized)
struct StoreBufferingPairTests {
    static func explore(_ model: MemoryModelKind) -> (schedules: Int, findings: [ExplorationFinding]) {
        let parking = ParkingWord(0, label: "flag", sleepersLabel: "flag.sleepers")
        defer { parking.deallocate() }
        return ExplorationHarness.countSchedules(bound: 4, spuriousWakes: 0, staleReads: 2, memoryModel: model,
                                                 FutexModelTests.waitForFlag(parking, rereads: false))
    }

    @Test("With C++20's seq_cst, the pair never loses a wake-up")
    func sequentiallyConsistentPairPasses() {
        ExplorationHarness.lock.withLock { _ in
            let (schedules, findings) = Self.explore(.c11)
            #expect(schedules > 10)
            #expect(findings.isEmpty, "\(findings.first?.message ?? ""): \(findings.first?.threadStates ?? [])")
        }
    }

    @Test("Treating seq_cst as acquire/release (loom's approximation) flags the correct pair: a lost wake-up")
    func acquireReleaseApproximationFlagsIt() throws {
        try ExplorationHarness.lock.withLock { _ in
            let (_, findings) = Self.explore(.c11SeqCstAsAcquireRelease)
            let finding = try #require(findings.first)
            #expect(finding.kind == .deadlock)
            #expect(finding.threadStates.contains { $0.hasPrefix("thread 0: futex wait on flag: expected 0") })
        }
    }
}
#endif
