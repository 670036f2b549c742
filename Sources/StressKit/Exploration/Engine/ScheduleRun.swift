#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// The controller of one schedule: runs the real pool's threads one at a time, deciding at
/// every scheduling point which one goes next (`ExplorationController`), and models what the
/// kernel and the hardware would do meanwhile: futex waits and wakes, spinning, joins.
///
/// **The baton.** Every controlled thread is a real pthread that waits on its own futex word
/// (`batons`) until the controller hands it the baton; the thread that holds it runs, and
/// makes the next decision itself at its next scheduling point: a decision that keeps the same
/// thread costs nothing, a switch costs one futex wake and one futex wait. No other
/// controlled thread runs meanwhile, so the state below is plain memory, handed from thread
/// to thread with the baton (a releasing store of the next thread's word, which that thread
/// loads with acquire).
///
/// **Decisions.** Each scheduling point is a decision, numbered from 1. Its options are the
/// enabled threads (`ControlledThread.isEnabled`), the default first (see `Schedule`), plus,
/// while the budget allows, a spurious wake-up of each thread in a futex wait. The strategy
/// picks one; the run records every pick that is not the default (`deviations`), which is
/// the schedule that replays this run exactly.
///
/// **Memory.** Under a weak memory model (`Settings.memoryModel`, `MemoryModel`) every
/// atomic operation goes through the model, and a load's choice of store is a decision of its
/// own, numbered like the others: its options are the stores the model allows, the latest
/// first (the default). A stale read is a deviation like a preemption.
///
/// **What ends a run.** The caller's body returns (`callerFinished`): the scenario passed its
/// checks. Or a finding: a violation reported by the stress checks (through the run
/// context's interceptor, `fail`), a deadlock (a thread blocks and no thread is enabled),
/// a livelock (more than `stepsPerProgress` decisions since thread 0 last passed a probe
/// point or a thread exited), a crash (`TrapCatcher`). A finding ends every controlled thread
/// of the run where it waits (`pthread_exit`: the threads are stuck in a protocol that
/// cannot finish, and their pool is abandoned, its memory leaked), and wakes the explorer.
final class ScheduleRun: ExplorationController, @unchecked Sendable {
    /// Thread slots: a scenario's pool has at most this many threads.
    static let maximumThreads = ScheduleRunLimits.maximumThreads
    /// UInt32 words between two batons: one cache line each.
    static let batonStride = 16

    struct Settings: Sendable {
        /// Spurious wake-ups the strategy may choose per schedule.
        var spuriousWakeBudget: Int
        /// The livelock bound: decisions without progress.
        var stepsPerProgress: Int
        /// Whether to record a `StepEvent` per step (for the printed trace only: it costs a
        /// string per step).
        var tracing: Bool
        /// What a load may read.
        var memoryModel = MemoryModelKind.c11
    }

    /// What a thread is about to do at its scheduling point, for reports.
    enum PendingOperation {
        case none
        case access(AtomicOperationKind, UInt)
        case futexWait(UInt, UInt32)
        case futexWake(UInt)
        case probe(ProbePoint)
        case spinCheck
    }

    let settings: Settings
    let strategy: any ScheduleStrategy
    let batons: UnsafeMutablePointer<Atomic<UInt32>>
    let doneWord: UnsafeMutablePointer<Atomic<UInt32>>
    /// Each slot's tie to this run, which the slot's thread binds (`Exploration.bind`).
    var bindings: [ExplorationBinding] = []

    var threads: [ControlledThread]
    var pending: [PendingOperation]
    var decisions = 0
    var stepsSinceProgress = 0
    var preemptions = 0
    /// Loads that read an older store than the latest.
    var staleReads = 0
    var model: MemoryModel
    var races = PlainMemoryRaceCheck()
    var spuriousLeft: Int
    var deviations: [ScheduleDeviation] = []
    var events: [StepEvent] = []
    var lastDecisionDeviated = false
    var finding: ExplorationFinding?
    var aborted = false
    var maximumLiveThreads = 1
    /// Baton hand-offs from one thread to another (each a futex wake and a wait).
    var switches = 0
    var options: [ScheduleChoice] = []
    var costs: [Int] = []

    init(settings: Settings, strategy: any ScheduleStrategy) {
        self.settings = settings
        self.strategy = strategy
        spuriousLeft = settings.spuriousWakeBudget
        model = MemoryModel(kind: settings.memoryModel)
        batons = .allocate(capacity: Self.maximumThreads * Self.batonStride)
        for index in 0..<(Self.maximumThreads * Self.batonStride) { (batons + index).initialize(to: Atomic(0)) }
        doneWord = .allocate(capacity: 1)
        doneWord.initialize(to: Atomic(0))
        threads = Array(repeating: ControlledThread(), count: Self.maximumThreads)
        pending = Array(repeating: .none, count: Self.maximumThreads)
        options.reserveCapacity(2 * Self.maximumThreads)
        costs.reserveCapacity(2 * Self.maximumThreads)
        bindings = (0..<Self.maximumThreads).map { ExplorationBinding(controller: self, thread: $0) }
    }

    /// Only for a run that ended without a finding: a failed run's threads may still be on
    /// their way out through these words, so a failed run is never freed.
    func deallocateWords() {
        batons.deinitialize(count: Self.maximumThreads * Self.batonStride)
        batons.deallocate()
        doneWord.deinitialize(count: 1)
        doneWord.deallocate()
    }

    // MARK: decisions

    func isEnabled(_ thread: Int) -> Bool {
        let model = threads[thread]
        if model.status == .joining {
            let target = threads[model.joinTarget].status
            return target == .exited || target == .absent
        }
        return model.isEnabled
    }

    /// One decision at `thread`'s scheduling point. `canContinue`: whether `thread` itself
    /// is an option; `yielding`: a failed spin check, after which a switch is no preemption.
    /// Nil when no thread is enabled.
    func decide(_ thread: Int, canContinue: Bool, yielding: Bool) -> ScheduleChoice? {
        decisions += 1
        stepsSinceProgress += 1
        if stepsSinceProgress > settings.stepsPerProgress {
            fail(.livelock, "\(settings.stepsPerProgress) decisions without progress (no probe point of thread 0, no thread exit): the threads below keep running without finishing the job",
                 jobIndex: nil, states: true)
        }
        options.removeAll(keepingCapacity: true)
        costs.removeAll(keepingCapacity: true)
        var first = -1
        if canContinue && !yielding {
            first = thread
        } else {
            for other in 0..<Self.maximumThreads where other != thread && isEnabled(other) {
                first = other
                break
            }
            if first < 0 && canContinue { first = thread }
        }
        if first < 0 { return nil }
        let preempting = canContinue && !yielding
        options.append(.run(first))
        costs.append(preempting && first != thread ? 1 : 0)
        for other in 0..<Self.maximumThreads where other != first && (other == thread ? canContinue : isEnabled(other)) {
            options.append(.run(other))
            costs.append(preempting && other != thread ? 1 : 0)
        }
        if spuriousLeft > 0 {
            for other in 0..<Self.maximumThreads where threads[other].status == .futexBlocked {
                options.append(ScheduleChoice(thread: other, spurious: true))
                costs.append(1)
            }
        }
        var index = 0
        if options.count > 1 {
            index = strategy.choose(ScheduleDecision(number: decisions, running: thread, options: options,
                                                     costs: costs, preemptions: preemptions))
        }
        let choice = options[index]
        lastDecisionDeviated = index != 0
        if index != 0 { deviations.append(ScheduleDeviation(decision: decisions, choice: choice)) }
        preemptions += costs[index]
        if choice.spurious {
            spuriousLeft -= 1
            threads[choice.thread].status = .woken
            threads[choice.thread].wokenSpuriously = true
        }
        return choice
    }

    /// A load's decision under a weak memory model: which of the `count` stores the model
    /// allows (the latest first) `thread` reads. Returns how many stores back from the latest.
    func decideRead(_ thread: Int, count: Int) -> Int {
        decisions += 1
        lastDecisionDeviated = false
        if count < 2 { return 0 }
        options.removeAll(keepingCapacity: true)
        costs.removeAll(keepingCapacity: true)
        for staleness in 0..<count {
            options.append(.read(staleness))
            costs.append(0)
        }
        let index = strategy.choose(ScheduleDecision(number: decisions, running: thread, options: options, costs: costs,
                                                     preemptions: preemptions, isRead: true, staleReads: staleReads))
        if index != 0 {
            lastDecisionDeviated = true
            deviations.append(ScheduleDeviation(decision: decisions, choice: options[index]))
            staleReads += 1
        }
        return index
    }

    /// A load of `address` (memory holds `current`, the latest store) under the memory model:
    /// the store it reads, chosen by a decision, and the latest if that one is newer.
    func modelLoad(_ thread: Int, _ address: UInt, current: UInt64, ordering: AtomicOrderingKind)
        -> (read: StoreRecord, newer: StoreRecord?) {
        let count = model.readableCount(address, current: current, by: thread, ordering: ordering)
        let staleness = decideRead(thread, count: count)
        let (read, latest) = model.load(address, staleness: staleness, by: thread, ordering: ordering)
        if staleness > 0 && threads[thread].inSpinCheck {
            // A newer store exists: checking again may see it.
            threads[thread].spinChanged = true
        }
        return (read, staleness > 0 ? latest : nil)
    }

    /// `thread` stops here until a decision chooses it: hands the baton to `choice`.
    func switchTo(_ choice: ScheduleChoice, from thread: Int) {
        if choice.thread == thread { return }
        handOff(from: thread, to: choice.thread)
    }

    /// A plain scheduling point: `thread` is ready to perform `operation`.
    func schedulingPoint(_ thread: Int, _ operation: PendingOperation) {
        pending[thread] = operation
        if threads[thread].status == .starting {
            // The thread's first scheduling point: back to its creator, which made it start;
            // a later decision chooses it like any ready thread.
            threads[thread].status = .ready
            record(thread, "start", "", "reaches its first scheduling point")
            handOff(from: thread, to: threads[thread].creator)
            return
        }
        flushProbeNotice(thread)
        // `thread` can always continue here: the decision is never nil.
        let choice = decide(thread, canContinue: true, yielding: false)!
        switchTo(choice, from: thread)
    }

    /// `thread` has blocked (its status says on what): another thread runs, or it is a
    /// deadlock. Returns when a decision chose `thread` again.
    func block(_ thread: Int) {
        guard let choice = decide(thread, canContinue: false, yielding: false) else { deadlock(at: thread) }
        switchTo(choice, from: thread)
    }

    /// Harness spins (a spin check that read no pool word: the probe's own books) may succeed
    /// once another thread passed a probe point; `thread` has since finished the probe's body.
    func flushProbeNotice(_ thread: Int) {
        guard threads[thread].passedProbe else { return }
        threads[thread].passedProbe = false
        for other in 0..<Self.maximumThreads where threads[other].status == .spinning && threads[other].readWords.isEmpty {
            threads[other].spinChanged = true
        }
    }

    /// A write to `address`: spinners that read it may now succeed. So may a spin check that
    /// is still under way (a check of two words can be preempted between its loads): it
    /// starts its wait as changed.
    func noteWrite(_ address: UInt) {
        for other in 0..<Self.maximumThreads where (threads[other].status == .spinning || threads[other].inSpinCheck)
            && !threads[other].spinChanged && threads[other].readWords.contains(address) {
            threads[other].spinChanged = true
        }
    }

}
#endif
