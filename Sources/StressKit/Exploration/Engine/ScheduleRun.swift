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
    private static let batonStride = 16

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
    private let batons: UnsafeMutablePointer<Atomic<UInt32>>
    private let doneWord: UnsafeMutablePointer<Atomic<UInt32>>
    /// Each slot's tie to this run, which the slot's thread binds (`Exploration.bind`).
    private var bindings: [ExplorationBinding] = []

    private(set) var threads: [ControlledThread]
    private var pending: [PendingOperation]
    private(set) var decisions = 0
    private var stepsSinceProgress = 0
    private(set) var preemptions = 0
    /// Loads that read an older store than the latest.
    private(set) var staleReads = 0
    private var model: MemoryModel
    private var races = PlainMemoryRaceCheck()
    private var spuriousLeft: Int
    private(set) var deviations: [ScheduleDeviation] = []
    private(set) var events: [StepEvent] = []
    private var lastDecisionDeviated = false
    private(set) var finding: ExplorationFinding?
    private var aborted = false
    private(set) var maximumLiveThreads = 1
    /// Baton hand-offs from one thread to another (each a futex wake and a wait).
    private(set) var switches = 0
    private var options: [ScheduleChoice] = []
    private var costs: [Int] = []

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

    // MARK: thread identity and the baton

    /// Whether the calling thread is bound to this run.
    var isControlled: Bool { Exploration.binding?.controller === self }

    /// The calling thread's slot. Only called from hooks on threads bound to this run.
    private var me: Int { Exploration.binding!.thread }

    private func setIdentity(_ slot: Int?) {
        Exploration.bind(slot.map { bindings[$0] })
    }

    private func baton(_ thread: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        batons + thread * Self.batonStride
    }

    private func signal(_ thread: Int) {
        let word = baton(thread)
        // release: hands the model (and everything the previous thread wrote) to `thread`;
        // pairs with the acquiring load in `waitForBaton`.
        word.pointee.store(1, ordering: .releasing)
        _ = cpool_futex_wake(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), 1)
    }

    /// Blocks the calling thread until the baton comes back to it. Ends the thread if the run
    /// was aborted meanwhile.
    private func waitForBaton(_ thread: Int) {
        let word = baton(thread)
        // acquire: pairs with the releasing store in `signal`.
        while word.pointee.load(ordering: .acquiring) == 0 {
            var error: Int32 = 0
            _ = cpool_futex_wait(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), 0, &error)
        }
        // relaxed: only this thread reads its own word until it hands the baton on.
        word.pointee.store(0, ordering: .relaxed)
        if aborted { endThread(thread) }
    }

    private func handOff(from thread: Int, to next: Int) {
        switches += 1
        signal(next)
        waitForBaton(thread)
    }

    /// Ends a controlled thread of a failed run, wherever it is: its protocol cannot finish.
    /// Workers detach themselves (nobody will join them); thread 0 is joined by the explorer.
    private func endThread(_ thread: Int) -> Never {
        setIdentity(nil)
        if thread != 0 { _ = pthread_detach(pthread_self()) }
        pthread_exit(nil)
    }

    // MARK: the explorer's side

    /// The explorer, before it starts thread 0: thread 0 begins with the baton.
    func prepareCaller() {
        threads[0] = ControlledThread()
        threads[0].status = .ready
        // relaxed: published to thread 0 by pthread_create.
        baton(0).pointee.store(1, ordering: .relaxed)
    }

    /// Thread 0's body: the scenario's caller. Runs `body`, then ends the run.
    func callerMain(_ body: () -> Void) {
        setIdentity(0)
        waitForBaton(0)
        body()
        callerFinished()
    }

    /// Waits until the run ends; false if `timeoutNanoseconds` passed first.
    func waitUntilDone(timeoutNanoseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.nanoseconds() &+ timeoutNanoseconds
        let address = UnsafeMutableRawPointer(doneWord).assumingMemoryBound(to: UInt32.self)
        // acquire: pairs with the releasing store in `markDone`: the run's results are visible.
        while doneWord.pointee.load(ordering: .acquiring) == 0 {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline { return false }
            var error: Int32 = 0
            _ = cpool_futex_wait_timeout(address, 0, Int64(clamping: deadline - now), &error)
        }
        return true
    }

    private func markDone() {
        // release: publishes the run's results to the explorer (`waitUntilDone`).
        doneWord.pointee.store(1, ordering: .releasing)
        _ = cpool_futex_wake(UnsafeMutableRawPointer(doneWord).assumingMemoryBound(to: UInt32.self), 1)
    }

    private func callerFinished() {
        let thread = me
        flushProbeNotice(thread)
        for other in 1..<Self.maximumThreads where threads[other].isLive {
            fail(.invariant, "thread \(other) is still alive after the scenario ended (its pool was shut down): \(describe(other))",
                 jobIndex: nil)
        }
        threads[0].status = .exited
        record(0, "end", "", "the scenario ended; every check passed")
        setIdentity(nil)
        markDone()
    }

    // MARK: decisions

    private func isEnabled(_ thread: Int) -> Bool {
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
    private func decide(_ thread: Int, canContinue: Bool, yielding: Bool) -> ScheduleChoice? {
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
    private func decideRead(_ thread: Int, count: Int) -> Int {
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
    private func modelLoad(_ thread: Int, _ address: UInt, current: UInt64, ordering: AtomicOrderingKind)
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
    private func switchTo(_ choice: ScheduleChoice, from thread: Int) {
        if choice.thread == thread { return }
        handOff(from: thread, to: choice.thread)
    }

    /// A plain scheduling point: `thread` is ready to perform `operation`.
    private func schedulingPoint(_ thread: Int, _ operation: PendingOperation) {
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
    private func block(_ thread: Int) {
        guard let choice = decide(thread, canContinue: false, yielding: false) else { deadlock(at: thread) }
        switchTo(choice, from: thread)
    }

    /// Harness spins (a spin check that read no pool word: the probe's own books) may succeed
    /// once another thread passed a probe point; `thread` has since finished the probe's body.
    private func flushProbeNotice(_ thread: Int) {
        guard threads[thread].passedProbe else { return }
        threads[thread].passedProbe = false
        for other in 0..<Self.maximumThreads where threads[other].status == .spinning && threads[other].readWords.isEmpty {
            threads[other].spinChanged = true
        }
    }

    /// A write to `address`: spinners that read it may now succeed. So may a spin check that
    /// is still under way (a check of two words can be preempted between its loads): it
    /// starts its wait as changed.
    private func noteWrite(_ address: UInt) {
        for other in 0..<Self.maximumThreads where (threads[other].status == .spinning || threads[other].inSpinCheck)
            && !threads[other].spinChanged && threads[other].readWords.contains(address) {
            threads[other].spinChanged = true
        }
    }

    // MARK: ExplorationController

    func willAccess(_ word: ExplorationWord, _ operation: AtomicOperationKind) {
        schedulingPoint(me, .access(operation, word.address))
    }

    func didAccess(_ access: AtomicAccessRecord) {
        let thread = me
        let address = access.word.address
        switch access.operation {
        case .load: break
        case .store: noteWrite(address)
        default: if let written = access.written, written != access.read { noteWrite(address) }
        }
        if model.isWeak && access.operation != .load {
            if let written = access.written {
                let readModifyWrite = access.operation != .store
                model.write(address, value: written, previous: (readModifyWrite ? access.read : access.previous) ?? written,
                            by: thread, ordering: access.orderingKind, readModifyWrite: readModifyWrite, step: decisions)
            } else if let read = access.read {
                model.failedUpdate(address, current: read, by: thread, ordering: access.orderingKind)
            }
        }
        noteRead(thread, access, newer: nil)
    }

    func didLoad(_ access: AtomicAccessRecord) -> UInt64 {
        guard model.isWeak, let current = access.read else {
            didAccess(access)
            return access.read ?? 0
        }
        let thread = me
        let (read, newer) = modelLoad(thread, access.word.address, current: current, ordering: access.orderingKind)
        var seen = access
        seen.read = read.value
        noteRead(thread, seen, newer: newer)
        return read.value
    }

    /// A spin check's read set, and the trace line of an access (`newer`: the latest store,
    /// when a load read an older one).
    private func noteRead(_ thread: Int, _ access: AtomicAccessRecord, newer: StoreRecord?) {
        let address = access.word.address
        if threads[thread].inSpinCheck, let read = access.read, !threads[thread].readWords.contains(address) {
            threads[thread].readWords.append(address)
            threads[thread].readValues.append(read)
        }
        if settings.tracing {
            var detail: [String] = []
            if let read = access.read { detail.append("read \(read)") }
            if let newer { detail.append("the store of step \(newer.step) (\(newer.value)) was newer") }
            if let written = access.written { detail.append("wrote \(written)") }
            if access.operation == .compareExchange && access.written == nil { detail.append("failed") }
            record(thread, access.operation.rawValue, access.word.label, detail.joined(separator: ", ") + " (\(access.ordering))")
        }
    }

    func futexWait(_ word: ExplorationWord, expected: UInt32, currentValue: () -> UInt32) -> FutexWaitOutcome {
        let thread = me
        schedulingPoint(thread, .futexWait(word.address, expected))
        var value = currentValue()
        var stale = ""
        if model.isWeak {
            // The kernel's compare: a full barrier, then a read (a seq_cst fence and load).
            model.sequentialFence(thread)
            let (read, newer) = modelLoad(thread, word.address, current: UInt64(value), ordering: .sequentiallyConsistent)
            value = UInt32(truncatingIfNeeded: read.value)
            if let newer { stale = " (a stale read: the store of step \(newer.step) (\(newer.value)) was newer)" }
        }
        if value != expected {
            record(thread, "futex-wait", word.label, "expected \(expected), the word is \(value)\(stale): returns at once")
            return .valueDiffered
        }
        threads[thread].status = .futexBlocked
        threads[thread].futexWord = word.address
        threads[thread].futexExpected = expected
        threads[thread].wokenSpuriously = false
        record(thread, "futex-wait", word.label, "expected \(expected), the word is \(value)\(stale): sleeps")
        block(thread)
        let spurious = threads[thread].wokenSpuriously
        threads[thread].status = .ready
        record(thread, "futex-return", word.label, spurious ? "woken spuriously (the controller's choice)" : "woken")
        return .woken
    }

    func futexWake(_ word: ExplorationWord, count: Int32) -> Int32 {
        let thread = me
        schedulingPoint(thread, .futexWake(word.address))
        // The kernel's wake takes a full barrier before it looks for waiters: a waiter it
        // does not find yet will compare after it, and must see what the waker wrote.
        model.sequentialFence(thread)
        var woken: Int32 = 0
        for other in 0..<Self.maximumThreads where woken < count && threads[other].status == .futexBlocked
            && threads[other].futexWord == word.address {
            threads[other].status = .woken
            threads[other].wokenSpuriously = false
            // The wake happens before the wait's return (the kernel's bucket lock).
            model.synchronize(other, with: thread)
            woken += 1
        }
        record(thread, "futex-wake", word.label, "woke \(woken)")
        return woken
    }

    func wordCreated(_ word: ExplorationWord) {
        model.forget(word.address)
    }

    func happensBefore(_ token: UInt) {
        guard model.isWeak else { return }
        model.release(token: token, by: me)
    }

    func happensAfter(_ token: UInt) {
        guard model.isWeak else { return }
        model.acquire(token: token, by: me)
    }

    func plainAccess(_ address: UInt, writes: Bool) {
        guard model.isWeak else { return }
        let thread = me
        let access = PlainMemoryRaceCheck.Access(thread: thread, event: model.plainEvent(thread), step: decisions, writes: writes)
        record(thread, writes ? "plain write" : "plain read", "0x" + String(address, radix: 16), "(race-checked, not a scheduling point)")
        if let race = races.check(address, access, clock: model.clocks[thread]) {
            fail(.dataRace, race, jobIndex: nil)
        }
    }

    func spinCheckWillBegin() {
        let thread = me
        threads[thread].inSpinCheck = true
        threads[thread].spinChanged = false
        threads[thread].readWords.removeAll(keepingCapacity: true)
        threads[thread].readValues.removeAll(keepingCapacity: true)
    }

    func spinCheckFailed(bounded: Bool) -> Bool {
        let thread = me
        flushProbeNotice(thread)
        threads[thread].inSpinCheck = false
        threads[thread].status = .spinning
        threads[thread].spinBounded = bounded
        // `spinChanged` stays as the check left it: set if a word it read was written since.
        pending[thread] = .spinCheck
        let changed = threads[thread].spinChanged
        guard let choice = decide(thread, canContinue: bounded || changed, yielding: true) else { deadlock(at: thread) }
        if choice == .run(thread) {
            threads[thread].status = .ready
            record(thread, "spin", spunOn(thread), changed ? "check failed, but a word it read was written meanwhile: checks again"
                                                           : "check failed; gives up at once (bounded wait)")
            return changed
        }
        record(thread, "spin", spunOn(thread), "check failed; waits for a write to what it read")
        switchTo(choice, from: thread)
        let changedSince = threads[thread].spinChanged
        threads[thread].status = .ready
        record(thread, "spin", spunOn(thread), changedSince ? "checks again (a word it read was written)" : "gives up (bounded wait)")
        return changedSince
    }

    func probePoint(_ point: ProbePoint, thread index: Int, value: UInt64) {
        let thread = me
        schedulingPoint(thread, .probe(point))
        if thread == 0 { stepsSinceProgress = 0 }
        threads[thread].passedProbe = true
        record(thread, "probe", "\(point)", "value \(value)")
    }

    func workerWillSpawn(thread: Int) {
        let creator = me
        precondition(thread > 0 && thread < Self.maximumThreads,
                     "stress --explore models at most \(Self.maximumThreads) threads; a pool spawns worker \(thread)")
        precondition(!threads[thread].isLive, "stress --explore: worker \(thread) spawned while the model's thread \(thread) is alive")
        threads[thread] = ControlledThread()
        threads[thread].status = .starting
        threads[thread].creator = creator
        pending[thread] = .none
        model.spawn(thread, by: creator)
        maximumLiveThreads = max(maximumLiveThreads, threads.count(where: \.isLive))
        record(creator, "spawn", "", "creates thread \(thread)")
    }

    func workerDidSpawn(thread: Int) {
        // The new thread runs alone up to its first scheduling point, then hands back.
        handOff(from: me, to: thread)
    }

    func workerDidStart(thread: Int) {
        setIdentity(thread)
        waitForBaton(thread)
    }

    func workerWillExit(thread: Int) {
        let thread = me
        flushProbeNotice(thread)
        let wasStarting = threads[thread].status == .starting
        threads[thread].status = .exited
        stepsSinceProgress = 0
        record(thread, "exit", "", "the thread ends")
        setIdentity(nil)
        if wasStarting {
            signal(threads[thread].creator)
            return
        }
        guard let choice = decide(thread, canContinue: false, yielding: false) else {
            setIdentity(thread)
            deadlock(at: thread)
        }
        switches += 1
        signal(choice.thread)
    }

    func willJoin(worker thread: Int) {
        let joiner = me
        flushProbeNotice(joiner)
        if threads[thread].status == .exited || threads[thread].status == .absent {
            model.synchronize(joiner, with: thread)
            record(joiner, "join", "", "thread \(thread) has exited")
            return
        }
        threads[joiner].status = .joining
        threads[joiner].joinTarget = thread
        record(joiner, "join", "", "waits for thread \(thread) to exit")
        block(joiner)
        threads[joiner].status = .ready
        model.synchronize(joiner, with: thread)
        record(joiner, "join", "", "thread \(thread) has exited")
    }

    // MARK: findings

    /// A finding on the calling thread: records it, ends every thread of the run, wakes the
    /// explorer. Called with the baton.
    func fail(_ kind: ExplorationFinding.Kind, _ message: String, jobIndex: Int?, states: Bool = false) -> Never {
        let thread = me
        finding = ExplorationFinding(kind: kind, message: message, thread: thread, decision: decisions,
                                     jobIndex: jobIndex, threadStates: states ? describeAll() : [])
        record(thread, kind.rawValue.uppercased(), "", message)
        abort(from: thread)
    }

    /// A trap on the calling thread (`TrapCatcher`), with what the runtime said.
    func crashed(_ message: String) -> Never {
        fail(.crash, "thread \(me) \(message)", jobIndex: nil)
    }

    private func deadlock(at thread: Int) -> Never {
        fail(.deadlock, "no thread can run, and the scenario is unfinished (thread \(thread) was the last to run)",
             jobIndex: nil, states: true)
    }

    /// Ends every other controlled thread of the run where it waits, wakes the explorer,
    /// then ends the calling one.
    private func abort(from thread: Int) -> Never {
        aborted = true
        for other in 0..<Self.maximumThreads where other != thread && threads[other].isLive { signal(other) }
        markDone()
        endThread(thread)
    }

    /// Every thread's state, one line each.
    func describeAll() -> [String] {
        (0..<Self.maximumThreads).compactMap { threads[$0].status == .absent ? nil : "thread \($0): \(describe($0))" }
    }

    private func describe(_ thread: Int) -> String {
        let model = threads[thread]
        switch model.status {
        case .absent: return "absent"
        case .starting: return "starting"
        case .exited: return "exited"
        case .ready: return "ready to \(describe(pending[thread]))"
        case .woken: return "woken from its futex wait on \(Self.label(model.futexWord))\(model.wokenSpuriously ? " (spuriously)" : ""), not yet run"
        case .joining: return "joins thread \(model.joinTarget), which is \(describe(model.joinTarget))"
        case .futexBlocked:
            return "futex wait on \(Self.label(model.futexWord)): expected \(model.futexExpected), the word is \(Self.value32(model.futexWord))"
        case .spinning:
            let kind = model.spinBounded ? "bounded" : "unbounded"
            if model.readWords.isEmpty { return "spins (\(kind)) on harness state: waits for another thread's probe point" }
            let reads = zip(model.readWords, model.readValues).map { "\(Self.label($0.0)) = \($0.1)" }.joined(separator: ", ")
            return "spins (\(kind)) until one of these changes: \(reads)\(model.spinChanged ? " (one has: it may run)" : "")"
        }
    }

    private func describe(_ operation: PendingOperation) -> String {
        switch operation {
        case .none: return "run"
        case .access(let kind, let address): return "\(kind.rawValue) \(Self.label(address))"
        case .futexWait(let address, let expected): return "futex-wait on \(Self.label(address)) expecting \(expected)"
        case .futexWake(let address): return "futex-wake \(Self.label(address))"
        case .probe(let point): return "pass probe point '\(point)'"
        case .spinCheck: return "check its spin condition again"
        }
    }

    static func label(_ address: UInt) -> String {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return "word" }
        return ExplorationWord(address: pointer).label
    }

    static func value32(_ address: UInt) -> UInt32 {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return 0 }
        // relaxed: a report, read while no controlled thread runs.
        return pointer.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .relaxed)
    }

    // MARK: trace

    private func record(_ thread: Int, _ operation: String, _ word: String, _ detail: @autoclosure () -> String) {
        guard settings.tracing else { return }
        events.append(StepEvent(decision: decisions, thread: thread, deviated: lastDecisionDeviated,
                                operation: operation, word: word, detail: detail()))
    }

    private func spunOn(_ thread: Int) -> String {
        let words = threads[thread].readWords
        return words.isEmpty ? "(harness)" : words.map(Self.label).joined(separator: ",")
    }
}
#endif
