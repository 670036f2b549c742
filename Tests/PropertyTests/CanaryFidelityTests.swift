import Canaries
import Glibc
import CPoolSupport
import Pool
import Synchronization
import PoolSupport
import Testing
import TestSupport

/// A canary is the real building block with exactly one step broken. These tests notice if a
/// canary's other steps diverge from the real ones: every step is run, alone and on fresh
/// words, in a few scenarios, through the canary's steps type and through the real one; what
/// each step observably did (its result, the words after it, whether it woke a parked thread)
/// must be the same for every step but the canary's broken one, and must differ for that one
/// in at least one scenario (a canary that breaks nothing would prove nothing).
///
/// In an exploration build (`--traits Exploration`) each observation also lists every atomic
/// operation the step performed, with its word and its memory ordering: there, an ordering
/// changed in one copy of a step and not the other is noticed too.
extension PropertyTests {
    @Suite("Canaries are the real code with one step broken", .serialized)
    struct CanaryFidelityTests {
        /// Canaries whose broken step computes the same values as the real one when run alone:
        /// they break an ordering (TSan proves them) or atomicity (a second thread does). Only
        /// an exploration build, which records each operation, tells them apart here.
        static let visibleOnlyInOperations: Set<Canary> = [.relaxedClaim, .relaxedPublication, .checkThenLock, .relaxedJob, .relaxedSlot,
                                                                 .acquireSleeperCheck, .acquireReleasePublish]

        /// Canaries whose broken step traps in one scenario: that scenario is not run in this
        /// process (for the real steps either, so that both sides have the same scenarios);
        /// `trappingStepDiffers` runs it in a child and requires the trap.
        static let trapsIn: [Canary: String] = [.blindPublish: "publishJob/stopped"]

        /// The steps each real step calls through `Self` (so a broken callee legitimately
        /// changes its caller too). Kept next to the test, checked by it: a step missing here
        /// that calls a broken one shows up as a divergence.
        static let callees: [String: Set<String>] = [
            "raiseStop": ["wakeAfterStop"],
            "raiseStopAfterFailure": ["raiseStop", "wakeAfterStop"],
            "publishJob": ["advanceSequence"],
            "publish": ["releaseSlot"],
        ]

        @Test("Every step but the broken one behaves as the real step", arguments: Canary.allCases)
        func fidelity(canary: Canary) throws {
            let real: [String: String]
            let variant: [String: String]
            switch canary.block {
            case .futexScheduler:
                real = FutexStepObservations.observe(CorrectFutexSteps.self)
                let steps = try #require(canary.stepsType as? any FutexSteps.Type)
                variant = FutexStepObservations.observe(steps)
            case .spinLockReducer:
                real = SpinLockStepObservations.observe(CorrectSpinLockSteps.self)
                let steps = try #require(canary.stepsType as? any SpinLockSteps.Type)
                variant = SpinLockStepObservations.observe(steps)
            case .sequenceScheduler:
                real = SequenceStepObservations.observe(CorrectSequenceSteps.self, skipping: Self.trapsIn[canary])
                let steps = try #require(canary.stepsType as? any SequenceSteps.Type)
                variant = SequenceStepObservations.observe(steps, skipping: Self.trapsIn[canary])
            case .slotReducer:
                real = SlotStepObservations.observe(CorrectSlotSteps.self)
                let steps = try #require(canary.stepsType as? any SlotSteps.Type)
                variant = SlotStepObservations.observe(steps)
            case .threadPool:
                real = ShutdownStepObservations.observe(CorrectShutdownSteps.self)
                let steps = try #require(canary.stepsType as? any ShutdownSteps.Type)
                variant = ShutdownStepObservations.observe(steps)
            }
            #expect(Set(real.keys) == Set(variant.keys))
            let brokenStep = String(canary.brokenStep.split(separator: ".").last!)
            for (scenario, observed) in real.sorted(by: { $0.key < $1.key }) {
                let step = String(scenario.split(separator: "/").first!)
                if step == brokenStep || Self.callees[step, default: []].contains(brokenStep) { continue }
                #expect(variant[scenario] == observed,
                        "\(canary.rawValue): step \(scenario) diverged from the real one: real '\(observed)', canary '\(variant[scenario] ?? "-")'")
            }
            let brokenDiffers = real.contains { scenario, observed in
                scenario.hasPrefix(brokenStep + "/") && variant[scenario] != observed
            }
            if Self.trapsIn[canary] == nil && (!Self.visibleOnlyInOperations.contains(canary) || ExplorationRecorder.isAvailable) {
                #expect(brokenDiffers, "\(canary.rawValue): no scenario of its broken step \(brokenStep) tells it from the real one")
            }
        }

        @Test("A canary whose broken step traps is told from the real one by the trap")
        func trappingStepDiffers() async {
            // The real step throws `.stopped` on a stopped word; `blind-publish` traps.
            #expect(SequenceStepObservations.observe(CorrectSequenceSteps.self)["publishJob/stopped"]?.contains("stopped") == true)
            await #expect(processExitsWith: .failure) {
                alarm(60)
                _ = SequenceStepObservations.observe(BlindPublish.self)
            }
        }
    }
}

/// Runs `body` on a helper thread that parks (or not); reports whether it returned within
/// `seconds` once `act` ran, and always ends the helper with `rescue`.
private func parkedThreadReturns(
    park: @escaping @Sendable () -> Void, act: () -> Void, rescue: () -> Void
) -> String {
    let threadID = Atomic<Int32>(0)
    let helper = NamedThread.startOrDie(name: "fidelity-park") {
        // release: pairs with the acquiring load below.
        threadID.store(cpool_gettid(), ordering: .releasing)
        park()
    }
    // acquire: pairs with the helper's releasing store.
    let parked = Deadline(seconds: 5).wait {
        let tid = threadID.load(ordering: .acquiring)
        return tid != 0 && KernelParking.isBlockedInFutex(tid: tid)
    }
    guard parked else {
        rescue()
        _ = helper.join(by: Deadline(seconds: 5))
        return "never parked"
    }
    act()
    let returned = helper.join(by: Deadline(seconds: TestTiming.oneRealSecond))
    if !returned {
        rescue()
        if !helper.join(by: Deadline(seconds: 5)) { helper.detach() }
    }
    return returned ? "woke" : "slept"
}

/// What each futex step does, scenario by scenario, for one steps type.
enum FutexStepObservations {
    static func observe<Steps: FutexSteps>(_ steps: Steps.Type) -> [String: String] {
        var observations: [String: String] = [:]
        func scenario(_ name: String, task: UInt32 = 0, target: UInt64 = 77,
                      _ body: (FutexWords) -> String) {
            let scheduler = FutexSchedulerWith<Steps>(threadCount: 3, spinPolicy: .parkImmediately)
            let words = scheduler.words
            // relaxed, these: set up before the step runs, on this thread.
            words.task.word.pointer.pointee.store(task, ordering: .relaxed)
            words.target.pointer.pointee.store(target, ordering: .relaxed)
            let (result, operations) = ExplorationRecorder.recording { body(words) }
            let after = "task=\(words.task.word.pointer.pointee.load(ordering: .relaxed)) target=\(words.target.pointer.pointee.load(ordering: .relaxed))"
            observations[name] = "\(result); \(after)" + (operations.isEmpty ? "" : "; \(operations)")
        }
        let stop = FutexWords.stopValue
        scenario("publishJob/idle") { words in outcome { () throws(ProtocolInterruption) in try Steps.publishJob(words, target: 5) } }
        scenario("publishJob/stopped", task: stop) { words in outcome { () throws(ProtocolInterruption) in try Steps.publishJob(words, target: 5) } }
        // On a helper thread: a broken spin may park (claim-on-wake), and the test must not.
        scenario("spinForTask/idle") { words in
            spinOnHelper { Steps.spinForTask(words) } rescue: { CorrectFutexSteps.rescueWake(words) }
        }
        scenario("spinForTask/pending", task: 2) { words in "\(Steps.spinForTask(words))" }
        scenario("parkForTask/pending", task: 2) { words in
            parkedThreadReturnsAtOnce { Steps.parkForTask(words) } rescue: { Steps.rescueWake(words) }
        }
        scenario("parkForTask/idle-then-published") { words in
            parkedThreadReturns(park: { Steps.parkForTask(words) },
                                act: { _ = try? CorrectFutexSteps.publishJob(words, target: 9); CorrectFutexSteps.wakeForJob(words) },
                                rescue: { CorrectFutexSteps.rescueWake(words) })
        }
        scenario("claim/pending", task: 2) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.claim(words, thread: 1, probe: NoProbe()) }
        }
        scenario("claim/stopped", task: stop) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.claim(words, thread: 1, probe: NoProbe()) }
        }
        scenario("awaitAllClaimed/idle") { words in outcome { () throws(ProtocolInterruption) in try Steps.awaitAllClaimed(words) } }
        scenario("awaitAllClaimed/stopped", task: stop) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.awaitAllClaimed(words) }
        }
        scenario("raiseStop/parked") { words in
            parkedThreadReturns(park: { words.task.park(whileEqualTo: 0) }, act: { Steps.raiseStop(words) },
                                rescue: { CorrectFutexSteps.raiseStop(words) })
        }
        for thread in [0, 1] {
            scenario("raiseStopAfterFailure/parked-thread\(thread)") { words in
                parkedThreadReturns(park: { words.task.park(whileEqualTo: 0) },
                                    act: { Steps.raiseStopAfterFailure(words, thread: thread) },
                                    rescue: { CorrectFutexSteps.raiseStop(words) })
            }
        }
        scenario("wakeAfterStop/parked") { words in
            parkedThreadReturns(park: { words.task.park(whileEqualTo: 0) },
                                act: { words.task.word.pointer.pointee.store(stop, ordering: .relaxed); Steps.wakeAfterStop(words) },
                                rescue: { CorrectFutexSteps.raiseStop(words) })
        }
        scenario("wakeForJob/parked") { words in
            parkedThreadReturns(park: { words.task.park(whileEqualTo: 0) },
                                act: { words.task.word.pointer.pointee.store(2, ordering: .sequentiallyConsistent); Steps.wakeForJob(words) },
                                rescue: { CorrectFutexSteps.raiseStop(words) })
        }
        scenario("rescueWake/parked") { words in
            parkedThreadReturns(park: { words.task.park(whileEqualTo: 0) }, act: { Steps.rescueWake(words) },
                                rescue: { CorrectFutexSteps.raiseStop(words) })
        }
        return observations
    }
}

/// What each spin-lock step does, scenario by scenario, for one steps type.
enum SpinLockStepObservations {
    static func observe<Steps: SpinLockSteps>(_ steps: Steps.Type) -> [String: String] {
        var observations: [String: String] = [:]
        func scenario(_ name: String, lock: Bool = false, remaining: UInt32 = 2, sum: UInt64 = 40,
                      _ body: (SpinLockWords) -> String) {
            let reducer = SpinLockReducerWith<Steps>(threadCount: 3, spinPolicy: .default)
            let words = reducer.words
            // relaxed, these: set up before the step runs, on this thread.
            words.lock.pointer.pointee.store(lock, ordering: .relaxed)
            words.remaining.pointer.pointee.store(remaining, ordering: .relaxed)
            words.sum.value = sum
            let (result, operations) = ExplorationRecorder.recording { body(words) }
            let after = "lock=\(words.lock.pointer.pointee.load(ordering: .relaxed)) remaining=\(words.remaining.pointer.pointee.load(ordering: .relaxed)) sum=\(words.sum.value)"
            observations[name] = "\(result); \(after)" + (operations.isEmpty ? "" : "; \(operations)")
        }
        for remaining: UInt32 in [0, 1, 2] {
            scenario("isLast/remaining\(remaining)", remaining: remaining) { words in "\(Steps.isLast(words))" }
            scenario("isComplete/remaining\(remaining)", remaining: remaining) { words in "\(Steps.isComplete(words))" }
        }
        scenario("acquireLock/free") { words in Steps.acquireLock(words); return "returned" }
        scenario("releaseLock/held", lock: true) { words in Steps.releaseLock(words); return "returned" }
        for thread in [0, 1, 2] {
            scenario("add/fits-thread\(thread)") { _ in outcome { () throws(ProtocolInterruption) in try Steps.add(2, to: 40, thread: thread) } }
            scenario("add/overflows-thread\(thread)") { _ in
                outcome { () throws(ProtocolInterruption) in try Steps.add(2, to: .max - 1, thread: thread) }
            }
            for newCount: UInt32 in [0, 1, 3] {
                scenario("publishCount/\(newCount)-thread\(thread)") { words in "\(Steps.publishCount(words, newCount, thread: thread))" }
            }
            scenario("releaseAfterFastPath/held-thread\(thread)", lock: true) { words in
                outcome { () throws(ProtocolInterruption) in try Steps.releaseAfterFastPath(words, thread: thread, probe: NoProbe()) }
            }
        }
        for count: UInt32 in [1, 2, 3] {
            scenario("isLastDecrement/\(count)") { _ in "\(Steps.isLastDecrement(countBefore: count))" }
        }
        return observations
    }
}

/// What each sequence-scheduler step does, scenario by scenario, for one steps type.
enum SequenceStepObservations {
    static func observe<Steps: SequenceSteps>(_ steps: Steps.Type, skipping skipped: String? = nil) -> [String: String] {
        var observations: [String: String] = [:]
        func scenario(_ name: String, job: UInt32 = 0, taken: UInt32 = 0, target: UInt64 = 77,
                      _ body: (SequenceWords) -> String) {
            if name == skipped { return }
            let scheduler = SequenceSchedulerWith<Steps>(threadCount: 3, spinPolicy: .parkImmediately)
            let words = scheduler.words
            // relaxed, these: set up before the step runs, on this thread.
            words.job.word.pointer.pointee.store(job, ordering: .relaxed)
            // The caller's copy of the sequence, and the stop copy, agree with the word, as
            // they do in every state the protocol reaches.
            words.published.value = UInt64(job & SequenceWords.sequenceMask)
            words.stopped.pointer.pointee.store(job & SequenceWords.stopBit != 0, ordering: .relaxed)
            words.target.pointer.pointee.store(target, ordering: .relaxed)
            words.taken[1].value = UInt64(taken)
            let (result, operations) = ExplorationRecorder.recording { body(words) }
            let after = "job=\(words.job.word.pointer.pointee.load(ordering: .relaxed)) published=\(words.published.value) stopped=\(words.stopped.pointer.pointee.load(ordering: .relaxed)) target=\(words.target.pointer.pointee.load(ordering: .relaxed)) taken=\(words.taken[1].value)"
            observations[name] = "\(result); \(after)" + (operations.isEmpty ? "" : "; \(operations)")
        }
        let stop = SequenceWords.stopBit
        scenario("publishJob/idle") { words in outcome { () throws(ProtocolInterruption) in try Steps.publishJob(words, target: 5) } }
        scenario("publishJob/wrapping", job: SequenceWords.sequenceMask) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.publishJob(words, target: 5) }
        }
        scenario("publishJob/stopped", job: stop | 4) { words in outcome { () throws(ProtocolInterruption) in try Steps.publishJob(words, target: 5) } }
        scenario("advanceSequence/idle") { words in "\(Steps.advanceSequence(words, from: 0))" }
        scenario("advanceSequence/stopped", job: stop | 4) { words in "\(Steps.advanceSequence(words, from: 4))" }
        scenario("advanceSequence/wrapping", job: SequenceWords.sequenceMask) { words in
            "\(Steps.advanceSequence(words, from: SequenceWords.sequenceMask))"
        }
        scenario("spinForTask/unchanged") { words in "\(Steps.spinForTask(words, taken: 0))" }
        scenario("spinForTask/moved", job: 1) { words in "\(Steps.spinForTask(words, taken: 0))" }
        scenario("parkForTask/moved", job: 1) { words in
            parkedThreadReturnsAtOnce { Steps.parkForTask(words, taken: 0) } rescue: { CorrectSequenceSteps.raiseStop(words) }
        }
        scenario("parkForTask/unchanged-then-published") { words in
            parkedThreadReturns(park: { Steps.parkForTask(words, taken: 0) },
                                act: { _ = try? CorrectSequenceSteps.publishJob(words, target: 9); CorrectSequenceSteps.wakeForJob(words) },
                                rescue: { CorrectSequenceSteps.raiseStop(words) })
        }
        scenario("take/next", job: 1) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.take(words, thread: 1, taken: 0, probe: NoProbe()) }
        }
        scenario("take/stopped", job: stop | 1) { words in
            outcome { () throws(ProtocolInterruption) in try Steps.take(words, thread: 1, taken: 0, probe: NoProbe()) }
        }
        scenario("raiseStop/parked") { words in
            parkedThreadReturns(park: { words.job.park(whileEqualTo: 0) }, act: { Steps.raiseStop(words) },
                                rescue: { CorrectSequenceSteps.raiseStop(words) })
        }
        for thread in [0, 1] {
            scenario("raiseStopAfterFailure/parked-thread\(thread)") { words in
                parkedThreadReturns(park: { words.job.park(whileEqualTo: 0) },
                                    act: { Steps.raiseStopAfterFailure(words, thread: thread) },
                                    rescue: { CorrectSequenceSteps.raiseStop(words) })
            }
        }
        scenario("wakeAfterStop/parked") { words in
            parkedThreadReturns(park: { words.job.park(whileEqualTo: 0) },
                                act: { words.job.word.pointer.pointee.store(stop, ordering: .relaxed); Steps.wakeAfterStop(words) },
                                rescue: { CorrectSequenceSteps.raiseStop(words) })
        }
        scenario("wakeForJob/parked") { words in
            parkedThreadReturns(park: { words.job.park(whileEqualTo: 0) },
                                act: { words.job.word.pointer.pointee.store(1, ordering: .sequentiallyConsistent); Steps.wakeForJob(words) },
                                rescue: { CorrectSequenceSteps.raiseStop(words) })
        }
        scenario("rescueWake/parked") { words in
            parkedThreadReturns(park: { words.job.park(whileEqualTo: 0) }, act: { Steps.rescueWake(words) },
                                rescue: { CorrectSequenceSteps.raiseStop(words) })
        }
        // The pages a scheduler of these steps leaves when it is destroyed.
        scenario("deallocateWords/pages") { _ in
            PageLedger.start()
            let mark = PageLedger.mark
            _ = SequenceSchedulerWith<Steps>(threadCount: 3, spinPolicy: .parkImmediately)
            return "\(PageLedger.livePages(allocatedByThisThreadSince: mark).count) pages left"
        }
        // A target that 3 threads do not divide: where the remainder goes.
        scenario("share/remainder") { _ in
            (0..<3).map { "\(Steps.share(thread: $0, threadCount: 3, target: 10))" }.joined(separator: ", ")
        }
        return observations
    }
}

/// What each slot-reducer step does, scenario by scenario, for one steps type.
enum SlotStepObservations {
    static func observe<Steps: SlotSteps>(_ steps: Steps.Type) -> [String: String] {
        var observations: [String: String] = [:]
        func scenario(_ name: String, published: UInt64 = 0, contribution: UInt64 = 40, _ body: (SlotWords) -> String) {
            let reducer = SlotReducerWith<Steps>(threadCount: 3, spinPolicy: .default)
            let words = reducer.words
            // relaxed, these: set up before the step runs, on this thread.
            for slot in words.slots {
                slot.sequence.pointer.pointee.store(published, ordering: .relaxed)
                slot.merges.value = published
                slot.contribution.value = contribution
            }
            let (result, operations) = ExplorationRecorder.recording { body(words) }
            let after = words.slots.map { "\($0.sequence.pointer.pointee.load(ordering: .relaxed))/\($0.merges.value)/\($0.contribution.value)" }.joined(separator: ",")
            observations[name] = "\(result); slots=\(after)" + (operations.isEmpty ? "" : "; \(operations)")
        }
        for thread in [0, 1, 2] {
            scenario("publish/thread\(thread)", published: 4) { words in "\(Steps.publish(words, contribution: 9, thread: thread))" }
            scenario("releaseSlot/thread\(thread)", published: 4) { words in
                Steps.releaseSlot(words.slots[thread], job: 5)
                return "returned"
            }
            scenario("awaitSlot/published-thread\(thread)", published: 2) { words in
                "\(Steps.awaitSlot(words, thread: thread, job: 2, isStopped: { true }))"
            }
            scenario("awaitSlot/missing-stopped-thread\(thread)", published: 1) { words in
                "\(Steps.awaitSlot(words, thread: thread, job: 2, isStopped: { true }))"
            }
            scenario("readSlot/thread\(thread)", contribution: 31) { words in "\(Steps.readSlot(words, thread: thread))" }
            scenario("add/fits-thread\(thread)") { _ in outcome { () throws(ProtocolInterruption) in try Steps.add(2, to: 40, thread: thread) } }
            // Past 2^63 and still within UInt64.max: no overflow (a signed limit would call it one).
            scenario("add/past-half-thread\(thread)") { _ in
                outcome { () throws(ProtocolInterruption) in try Steps.add(2, to: 1 << 63, thread: thread) }
            }
            scenario("add/overflows-thread\(thread)") { _ in
                outcome { () throws(ProtocolInterruption) in try Steps.add(2, to: .max - 1, thread: thread) }
            }
            for job: UInt64 in [1, 2] {
                scenario("isPublished/\(job)-thread\(thread)", published: 1) { words in "\(Steps.isPublished(words, thread: thread, job: job))" }
            }
        }
        return observations
    }
}

/// A step on a word that has already moved on must not sleep at all.
private func parkedThreadReturnsAtOnce(_ park: @escaping @Sendable () -> Void, rescue: () -> Void) -> String {
    let helper = NamedThread.startOrDie(name: "fidelity-park", park)
    if helper.join(by: Deadline(seconds: TestTiming.oneRealSecond)) { return "returned" }
    rescue()
    if !helper.join(by: Deadline(seconds: 5)) { helper.detach() }
    return "slept"
}

/// Runs a spin step on a helper thread: its result, or, if it parked instead of returning
/// within a second, what it returned once `rescue` woke it.
private func spinOnHelper(_ spin: @escaping @Sendable () -> Bool, rescue: () -> Void) -> String {
    // 0: running; 1: returned false; 2: returned true.
    let result = Atomic<Int>(0)
    let helper = NamedThread.startOrDie(name: "fidelity-spin") {
        // release: pairs with the acquiring loads below (after the join, for clarity).
        result.store(spin() ? 2 : 1, ordering: .releasing)
    }
    let describe = { (value: Int) in value == 0 ? "still running" : "\(value == 2)" }
    if helper.join(by: Deadline(seconds: TestTiming.oneRealSecond)) {
        return "returned \(describe(result.load(ordering: .acquiring)))"
    }
    rescue()
    if !helper.join(by: Deadline(seconds: 5)) { helper.detach() }
    return "parked; after a wake returned \(describe(result.load(ordering: .acquiring)))"
}

/// What the shutdown step does, for one steps type: it settles workers that ended, and a
/// worker that does not end in time (the real step joins the first and detaches the other).
enum ShutdownStepObservations {
    static func observe(_ steps: any ShutdownSteps.Type) -> [String: String] {
        var observations: [String: String] = [:]
        func scenario(_ name: String, release: AtomicCounters? = nil, _ bodies: [@Sendable () -> Void]) {
            let workers = WorkerThreads()
            do {
                for (index, body) in bodies.enumerated() { try workers.spawn(thread: index + 1, cpu: nil, body: body) }
            } catch {
                observations[name] = "setup failed: \(error)"
                return
            }
            let result = outcome { () throws(PoolError) in try steps.settleWorkers(workers, timeoutNanoseconds: 200_000_000) }
            release?.store(0, 1)
            observations[name] = "\(result); unsettled workers \(workers.unsettledCount)"
        }
        scenario("settleWorkers/ended", [{}, {}])
        // [0]: 1 once the stuck worker may end.
        let release = AtomicCounters(count: 1)
        scenario("settleWorkers/stuck", release: release, [{}, { _ = Deadline(seconds: 30).wait { release[0] != 0 } }])
        return observations
    }
}

/// A step's result or its error, as text.
private func outcome<Value, Failure: Error>(_ body: () throws(Failure) -> Value) -> String {
    do { return "returned \(try body())" } catch { return "threw \(error)" }
}

#if Exploration
/// In an exploration build: records every atomic operation the calling thread performs while
/// `recording` runs (word, operation, ordering, values), without scheduling anything: futex
/// calls still go to the kernel, so that parked helper threads are really woken.
final class ExplorationRecorder: ExplorationController, @unchecked Sendable {
    static let isAvailable = true
    private let thread = pthread_self()
    private var records: [String] = []

    var isControlled: Bool { pthread_equal(pthread_self(), thread) != 0 }
    func willAccess(_ word: ExplorationWord, _ operation: AtomicOperationKind) {}
    func didAccess(_ access: AtomicAccessRecord) {
        records.append("\(access.word.label).\(access.operation.rawValue)(\(access.ordering))")
    }
    func futexWait(_ word: ExplorationWord, expected: UInt32, currentValue: () -> UInt32) -> FutexWaitOutcome {
        records.append("\(word.label).futexWait(\(expected))")
        var error: Int32 = 0
        let address = UnsafeMutablePointer<UInt32>(bitPattern: word.address)!
        return cpool_futex_wait(address, expected, &error) == 0 ? .woken : .valueDiffered
    }
    func futexWake(_ word: ExplorationWord, count: Int32) -> Int32 {
        records.append("\(word.label).futexWake")
        return cpool_futex_wake(UnsafeMutablePointer<UInt32>(bitPattern: word.address)!, count)
    }
    func spinCheckFailed(bounded: Bool) -> Bool {
        records.append("spin(\(bounded ? "bounded" : "unbounded"))")
        return false
    }
    func workerWillSpawn(thread: Int) {}
    func workerDidStart(thread: Int) {}
    func workerWillExit(thread: Int) {}
    func willJoin(worker thread: Int) {}

    /// `body`'s result and the operations it performed, in order.
    static func recording<Result>(_ body: () -> Result) -> (Result, String) {
        let recorder = ExplorationRecorder()
        Exploration.controller = recorder
        defer { Exploration.controller = nil }
        let result = body()
        return (result, recorder.records.joined(separator: " "))
    }
}
#else
/// Outside exploration builds there is nothing to record: observations are values only.
enum ExplorationRecorder {
    static let isAvailable = false
    static func recording<Result>(_ body: () -> Result) -> (Result, String) { (body(), "") }
}
#endif
