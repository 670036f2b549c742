#if Exploration
import Pool
@testable import StressKit
import Testing

/// The futex model: a wait compares and sleeps atomically, a wake makes the waiters
/// runnable, a spurious wake-up is the controller's choice, and a wait nobody ends is a
/// deadlock reported at once with the word, the value expected and the value now.
@Suite("Exploration: futex model", .serialized)
struct FutexModelTests {
    /// Thread 1 sets the flag and wakes; thread 0 waits for it with `ParkingWord`, checking
    /// the flag it then waits on (`checked`), or re-reading it first (the lost wake-up of
    /// the `lost-wakeup` canary, in miniature).
    static func waitForFlag(_ parking: ParkingWord, rereads: Bool) -> @Sendable () -> Void {
        {
            parking.word.pointer.pointee.store(0, ordering: .relaxed)
            parking.sleepers.pointer.pointee.store(0, ordering: .relaxed)
            let setter = ControlledThread(1) {
                parking.word.store(1, ordering: .sequentiallyConsistent)
                parking.wakeAllIfSleeping()
            }
            while parking.word.load(ordering: .sequentiallyConsistent) == 0 {
                let expected = rereads ? parking.word.load(ordering: .sequentiallyConsistent) : 0
                parking.park(whileEqualTo: expected)
            }
            setter.join()
        }
    }

    @Test("A correct wait and wake never deadlock, whatever the interleaving")
    func correctWaitPasses() {
        ExplorationHarness.lock.withLock { _ in
            let parking = ParkingWord(0, label: "flag", sleepersLabel: "flag.sleepers")
            defer { parking.deallocate() }
            let (schedules, findings) = ExplorationHarness.countSchedules(bound: 10, spuriousWakes: 1,
                                                                          Self.waitForFlag(parking, rereads: false))
            #expect(schedules > 10)
            #expect(findings.isEmpty, "\(findings.first?.message ?? ""): \(findings.first?.threadStates ?? [])")
        }
    }

    @Test("A wait on a re-read value loses the wake-up: a deadlock, with the word, expected and current values")
    func lostWakeupIsADeadlock() throws {
        try ExplorationHarness.lock.withLock { _ in
            let parking = ParkingWord(0, label: "flag", sleepersLabel: "flag.sleepers")
            defer { parking.deallocate() }
            let (_, findings) = ExplorationHarness.countSchedules(bound: 2, Self.waitForFlag(parking, rereads: true))
            let finding = try #require(findings.first)
            #expect(finding.kind == .deadlock)
            #expect(finding.threadStates.contains("thread 0: futex wait on flag: expected 1, the word is 1"))
            #expect(finding.threadStates.contains("thread 1: exited"))
        }
    }

    /// Thread 0 parks once on a word nobody changes, while thread 1 does two stores: only a
    /// spurious wake-up lets it return.
    static func parkOnce(_ parking: ParkingWord, words: Words) -> @Sendable () -> Void {
        {
            parking.word.pointer.pointee.store(0, ordering: .relaxed)
            let busy = ControlledThread(1) {
                words.first.store(1, ordering: .relaxed)
                words.second.store(1, ordering: .relaxed)
            }
            parking.park(whileEqualTo: 0)
            busy.join()
        }
    }

    @Test("A spurious wake-up is the controller's choice: without it the lone wait deadlocks, with it some schedule returns",
          arguments: [0, 1])
    func spuriousWakeIsAChoice(budget: Int) {
        ExplorationHarness.lock.withLock { _ in
            let parking = ParkingWord(0, label: "flag", sleepersLabel: "flag.sleepers")
            let words = Words()
            defer {
                parking.deallocate()
                words.deallocate()
            }
            let (schedules, findings) = ExplorationHarness.countSchedules(bound: 3, spuriousWakes: budget,
                                                                          Self.parkOnce(parking, words: words))
            #expect(findings.allSatisfy { $0.kind == .deadlock })
            if budget == 0 {
                #expect(findings.count == schedules)
            } else {
                #expect(findings.count < schedules)
            }
        }
    }
}
#endif
