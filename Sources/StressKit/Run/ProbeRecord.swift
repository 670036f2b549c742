import Pool

/// Everything the probe of one pool knows, composed of one part per concern: the thread
/// traces (`ThreadTraces`), the per-job ledger (`JobLedger`), refusal mode (`RefusalMode`),
/// the reducer lock's owner (`LockOwnership`), the armed fault (`FaultTrigger`), the noise
/// (`ThreadNoise`), the witness board with its check (`WitnessBoard`, `WitnessCheck`) and
/// the protocol races it counts (`RaceCounters`, classified by `RaceObserver`).
/// What stays here is what joins them: the probe's body at each point, the per-job checks
/// that compare a thread's view with the ledger, and the door to a violation.
///
/// Threads: `reach` runs on every thread of the pool at once; `beginJob`, `arm`, `disarm`
/// and the `check...` methods run on the pool's caller (thread 0); the watchdog reads the
/// traces. Per-thread words are written only by their own thread.
public final class ProbeRecord: @unchecked Sendable {
    public let context: RunContext
    public let episode: Int
    public let threadCount: Int
    public let board: WitnessBoard
    /// The phase whose coverage this pool's race counts go to.
    public let phase: StressPhase

    let traces: ThreadTraces
    let ledger: JobLedger
    let refusal = RefusalMode()
    let lockOwnership = LockOwnership()
    let faults: FaultTrigger
    let noise: ThreadNoise
    let witnesses: WitnessCheck
    let raceCounters: RaceCounters
    let races: RaceObserver

    /// `slot`: the caller slot whose shared lines hold the traces (`RunnerSlot.traceStorage`),
    /// so that they outlive a crash; nil: traces of its own.
    public init(context: RunContext, episode: Int, threadCount: Int, noiseLevel: Int, seed: UInt64,
                phase: StressPhase = .noisy, slot: RunnerSlot? = nil) {
        self.context = context
        self.episode = episode
        self.threadCount = threadCount
        self.phase = phase
        board = WitnessBoard(threadCount: threadCount)
        ledger = JobLedger(threadCount: threadCount)
        traces = ThreadTraces(threadCount: threadCount, storage: slot?.traceStorage)
        noise = ThreadNoise(level: noiseLevel, threadCount: threadCount, seed: seed, episode: episode)
        raceCounters = RaceCounters(threadCount: threadCount)
        races = RaceObserver(counters: raceCounters, traces: traces, lockOwnership: lockOwnership, ledger: ledger)
        faults = FaultTrigger(statistics: context.statistics, traces: traces, lockOwnership: lockOwnership, races: raceCounters)
        witnesses = WitnessCheck(board: board, threadCount: threadCount)
    }

    /// Set once by the caller before any fault is armed (the arming store publishes it).
    var wakeHook: (@Sendable () -> Void)? {
        get { faults.wakeHook }
        set { faults.wakeHook = newValue }
    }

    /// The job `thread` works on: the caller's current job, or the worker's last claim.
    @inline(__always)
    func job(of thread: Int) -> UInt64 {
        // relaxed: the caller wrote both before its releasing start, which this thread's
        // claim acquired (or it is the caller itself).
        thread == 0 ? ledger.currentJob.load(ordering: .relaxed) : traces[thread, .claimedJob].pointee.load(ordering: .relaxed)
    }

    // MARK: caller side

    /// Caller, before `run`: publishes the job to the probe and to the witness board.
    ///
    /// A refusal job switches the probe to refusal mode for the rest of the pool's life
    /// (see `RefusalMode`).
    public func beginJob(number: UInt64, index: Int, target: UInt64, weight: UInt64 = 1, refusal isRefusal: Bool) {
        if isRefusal { refusal.begin(job: number) }
        ledger.open(number: number, index: index, target: target, weight: weight)
        // A plain write that only the scheduler's start may publish, so it comes after every
        // releasing store of the probe: a worker's acquiring load of a probe word must not
        // order it (that would hide a start that fails to publish from TSan).
        if !isRefusal { board.publish(job: number, target: target, weight: weight) }
    }

    /// Caller: arms `fault` for job `number`. Call it before `beginJob`: its releasing store
    /// must not order the job descriptor (see `beginJob`).
    public func arm(_ fault: PlannedFault, job number: UInt64) { faults.arm(fault, job: number) }

    /// Caller, after `run`: disarms; returns the fault's state at that moment.
    public func disarm() -> ArmedFault.State { faults.disarm() }

    /// Caller, after a successful parallel job: the total reached a receiver, every worker
    /// claimed the job, and every witness matches the oracle. Returns a violation or nil.
    public func checkCompletedJob(number: UInt64, target: UInt64, total: UInt64) -> (Verdict, String)? {
        // First the witnesses, ordered only by the reducer's completion (`isComplete`'s
        // acquire): the waits below acquire probe words and would hide a weak completion.
        if let finding = witnesses.verify(job: number, target: target, weight: ledger.weight(ofJob: number), total: total, reader: "the caller") { return finding }
        ledger.waitForReceiver(ofJob: number)
        if let (thread, claimed) = traces.workerNotClaiming(job: number) {
            return (.invariant, "job \(number) completed, but worker \(thread) last claimed job \(claimed): a task was claimed twice or by the wrong worker")
        }
        return nil
    }

    /// Caller: job `number` (an earlier successful parallel job) is fully quiesced: exactly
    /// one receiver and exactly one decrement per thread.
    public func checkQuiescedJob(number: UInt64) -> (Verdict, String)? {
        ledger.checkQuiesced(job: number)
    }

    /// Caller, after `run` returned (either way): it waits for no total any more.
    public func jobReturned() { races.jobReturned() }

    /// Caller, after parallel job `number` of a futex pool succeeded: counts what its start
    /// met (a worker that parked for it, or none).
    public func countStartRace(job number: UInt64) { races.jobCompleted(number: number) }

    /// Caller, about to shut the pool down: counts where stop finds each worker.
    public func shutdownComing() { races.stopComing(from: 0) }

    /// Every race's count over this pool's threads, in `ProtocolRace.allCases` order (a
    /// snapshot while the pool runs).
    public var raceTotals: [UInt64] { raceCounters.totals() }

    // MARK: pool threads

    /// The probe's body: trace, noise, checks, then the fault if one is armed here.
    @inline(__always)
    func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure) {
        traces.record(point, thread: thread, value: value)
        noise.delay(thread: thread)
        switch point {
        case .taskClaimed: claimed(thread: thread, target: value)
        case .countDecremented: decremented(thread: thread, newCount: value)
        case .lockTaken:
            if let holder = lockOwnership.take(thread: thread) {
                violation(.invariant, "thread \(thread) took the reducer lock while thread \(holder) holds it")
            }
        case .lockReleasing:
            if let holder = lockOwnership.release(thread: thread) {
                violation(.invariant, "thread \(thread) releases the reducer lock, but " + (holder == LockOwnership.nobody ? "nobody holds it" : "thread \(holder) holds it"))
            }
        case .totalReceived: received(thread: thread, total: value)
        default: break
        }
        races.observe(point, thread: thread, value: value)
        try faults.fireIfArmed(at: point, thread: thread)
    }

    /// Whether refusal mode has begun, as this thread can tell from the job it saw.
    @inline(__always)
    func refusalModeHasBegun() -> Bool {
        // acquire: pairs with beginJob's releasing store, so refusal mode set for a job whose
        // number this thread saw is visible below.
        _ = ledger.currentJob.load(ordering: .acquiring)
        return refusal.isOn
    }

    /// A check failed on a pool thread: report it, unless refusal mode began meanwhile.
    func suspect(_ verdict: Verdict, _ message: @autoclosure () -> String) {
        if refusalModeHasBegun() { return }
        violation(verdict, message())
    }

    func claimed(thread: Int, target: UInt64) {
        // acquire: pairs with beginJob's releasing store (refusal mode, targets).
        let job = ledger.currentJob.load(ordering: .acquiring)
        // relaxed: this thread's own word.
        let previous = traces[thread, .claimedJob].pointee.load(ordering: .relaxed)
        if previous == job {
            suspect(.invariant, "worker \(thread) claimed a task of job \(job) twice")
        }
        let expected = ledger.target(ofJob: job)
        if target != expected {
            suspect(.invariant, "worker \(thread) claimed target \(target) for job \(job), whose target is \(expected)")
        }
        // relaxed: read back by this thread only (`target(of:job:)`), ordered before the
        // releasing store below for anyone who acquires that.
        traces[thread, .claimedTarget].pointee.store(target, ordering: .relaxed)
        // release: pairs with the caller's acquiring load in checkCompletedJob.
        traces[thread, .claimedJob].pointee.store(job, ordering: .releasing)
    }

    /// The target of the job `thread` works on: the caller's current job's, or the one the
    /// worker claimed (checked against the ledger at the claim). A worker's own word, not the
    /// ledger's entry: that entry may already belong to a later job while the worker is late.
    @inline(__always)
    func target(of thread: Int, job: UInt64) -> UInt64 {
        // relaxed: this thread's own word (see `claimed`).
        thread == 0 ? ledger.target(ofJob: job) : traces[thread, .claimedTarget].pointee.load(ordering: .relaxed)
    }

    /// A count decrement: each thread decrements once per job (judged by its own words, so
    /// exact however late it is), the job's books record at most one per thread, and the
    /// reducer's count stays in range.
    func decremented(thread: Int, newCount: UInt64) {
        let job = job(of: thread)
        // relaxed, both: this thread's own word, read back by this thread (and by
        // `FaultTrigger.fire`) and by the watchdog as a snapshot.
        let previous = traces[thread, .contributedJob].pointee.load(ordering: .relaxed)
        traces[thread, .contributedJob].pointee.store(job, ordering: .relaxed)
        let count = ledger.countDecrement(ofJob: job, thread: thread)
        if previous == job {
            let books = count.map { ledger.decrementSummary(ofJob: job, count: $0) } ?? "job \(job)'s books already closed"
            suspect(.invariant, "thread \(thread) decremented the count twice in job \(job) (\(books))")
        }
        if let count, count > threadCount {
            suspect(.invariant, "job \(job): \(ledger.decrementSummary(ofJob: job, count: count)); it has \(threadCount) threads, each decrements once")
        }
        if newCount >= UInt64(threadCount) {
            suspect(.invariant, "the reducer count underflowed in job \(job): thread \(thread)'s decrement left it at \(newCount), outside 0 ..< \(threadCount)")
        }
    }

    func received(thread: Int, total: UInt64) {
        let job = job(of: thread)
        if refusalModeHasBegun() { return }
        let target = target(of: thread, job: job)
        if let (verdict, message) = witnesses.verify(job: job, target: target, weight: ledger.weight(ofJob: job), total: total,
                                                          reader: "receiver thread \(thread)") {
            suspect(verdict, message)
        }
        // The caller waits for a job's receiver before it moves on, so an entry that already
        // belongs to a later job means that this is a second receiver.
        guard let receivers = ledger.countReceiver(ofJob: job) else {
            return suspect(.invariant, "thread \(thread) received job \(job)'s total after the caller had closed that job's books (its receiver was already counted)")
        }
        if receivers != 1 {
            suspect(.invariant, "thread \(thread) is the \(receivers)th thread to receive job \(job)'s total")
        }
    }

    func violation(_ verdict: Verdict, _ message: String) -> Never {
        context.terminate(verdict, message, episode: episode, jobIndex: ledger.currentJobIndex.load(ordering: .relaxed))
    }

    // MARK: watchdog

    /// Snapshot of one thread's trace, for the watchdog.
    public func lastPoint(of thread: Int) -> (point: ProbePoint?, value: UInt64, time: UInt64) {
        traces.lastPoint(of: thread)
    }

    /// Threads whose count decrement for the current job the probe has seen (watchdog).
    public var contributorsToCurrentJob: Int {
        // relaxed: a diagnostic snapshot.
        traces.contributors(toJob: ledger.currentJob.load(ordering: .relaxed))
    }

    /// The fault word's state, for the watchdog.
    public var faultSnapshot: ArmedFault { faults.snapshot }
}
