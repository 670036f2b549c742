import CPoolSupport
import Glibc
import Pool
import PoolSupport
import Synchronization

/// Everything the probe of one pool knows: each thread's last point, the per-job checks,
/// the armed fault, the noise generators and the witness board.
///
/// Threads: `reach` runs on every thread of the pool at once; `beginJob`, `arm`, `disarm`
/// and the `check...` methods run on the pool's caller (thread 0); the watchdog reads the
/// traces. Per-thread words are written only by their own thread.
///
/// Job numbers count from 1 per pool; a job's counters live in ring slot `job % 4`, so that
/// late probe events of job k (a thread that passes `countDecremented` after the fast-path
/// thread already finished) still land in job k's slot while job k + 1 runs.
public final class ProbeRecord: @unchecked Sendable {
    public let context: RunContext
    public let episode: Int
    public let threadCount: Int
    public let board: WitnessBoard

    /// Per thread, 8 words: lastPoint (raw + 1; 0 = none), lastValue, lastTime, claimedJob,
    /// contributedJob.
    let traces: UnsafeMutablePointer<Atomic<UInt64>>
    /// Per thread, 8 words apart: the noise generator state (plain; own thread only).
    let noiseStates: UnsafeMutablePointer<UInt64>
    let noise: NoiseProfile

    let currentJob = Atomic<UInt64>(0)
    /// Per ring slot: the target of that job.
    let targets: UnsafeMutablePointer<Atomic<UInt64>>
    let currentJobIndex = Atomic<Int>(-1)
    let refusalJob = Atomic<UInt64>(0)
    let receivers: UnsafeMutablePointer<Atomic<UInt64>>
    let decrements: UnsafeMutablePointer<Atomic<Int64>>
    /// -1: nobody holds the reducer lock (as far as the probe has seen).
    let lockOwner = Atomic<Int>(-1)
    /// The armed fault, packed (see `ArmedFault`), so that no plain field is shared.
    let faultWord = Atomic<UInt64>(0)
    /// Set once by the caller before any fault is armed (the arming store publishes it).
    var wakeHook: (@Sendable () -> Void)?

    static let traceStride = 8
    enum TraceField: Int { case lastPoint = 0, lastValue, lastTime, claimedJob, contributedJob }

    public init(context: RunContext, episode: Int, threadCount: Int, noiseLevel: Int, seed: UInt64) {
        self.context = context
        self.episode = episode
        self.threadCount = threadCount
        board = WitnessBoard(threadCount: threadCount)
        traces = .allocate(capacity: threadCount * Self.traceStride)
        for index in 0..<(threadCount * Self.traceStride) { (traces + index).initialize(to: Atomic(0)) }
        noiseStates = .allocate(capacity: threadCount * 8)
        var seeds = SplitMix64(seed: seed, stream: UInt64(episode) &+ 0x5EED)
        for index in 0..<(threadCount * 8) { (noiseStates + index).initialize(to: seeds.next()) }
        noise = NoiseProfile(level: noiseLevel)
        receivers = .allocate(capacity: 4)
        decrements = .allocate(capacity: 4)
        targets = .allocate(capacity: 4)
        for slot in 0..<4 {
            (targets + slot).initialize(to: Atomic(0))
            (receivers + slot).initialize(to: Atomic(0))
            (decrements + slot).initialize(to: Atomic(0))
        }
    }

    deinit {
        traces.deinitialize(count: threadCount * Self.traceStride)
        traces.deallocate()
        noiseStates.deallocate()
        receivers.deinitialize(count: 4)
        receivers.deallocate()
        decrements.deinitialize(count: 4)
        decrements.deallocate()
        targets.deinitialize(count: 4)
        targets.deallocate()
    }

    @inline(__always)
    func trace(_ thread: Int, _ field: TraceField) -> UnsafeMutablePointer<Atomic<UInt64>> {
        traces + (thread &* Self.traceStride &+ field.rawValue)
    }

    /// The job `thread` works on: the caller's current job, or the worker's last claim.
    @inline(__always)
    func job(of thread: Int) -> UInt64 {
        // relaxed: the caller wrote both before its releasing start, which this thread's
        // claim acquired (or it is the caller itself).
        thread == 0 ? currentJob.load(ordering: .relaxed) : trace(thread, .claimedJob).pointee.load(ordering: .relaxed)
    }

    // MARK: caller side

    /// Caller, before `run`: publishes the job to the probe and to the witness board.
    ///
    /// A refusal job (the one run on a pool that an injected failure stopped, which must
    /// throw) switches the probe to refusal mode for the rest of the pool's life: stragglers
    /// of the failed job may still be anywhere in its protocol, so the per-job checks that
    /// compare a thread's view with the caller's current job are off. The lock-owner checks
    /// stay on.
    public func beginJob(number: UInt64, index: Int, target: UInt64, refusal: Bool) {
        let slot = Int(number % 4)
        // relaxed: refusal mode is set before the job changes; a thread that sees the new
        // job through the releasing store below sees it too.
        if refusal { refusalJob.store(number, ordering: .relaxed) }
        // relaxed, these: published to the workers by the scheduler's releasing start, and
        // read back by this thread.
        receivers[slot].store(0, ordering: .relaxed)
        decrements[slot].store(Int64(threadCount), ordering: .relaxed)
        targets[slot].store(target, ordering: .relaxed)
        currentJobIndex.store(index, ordering: .relaxed)
        // release: pairs with the acquiring loads in `claimed` and `suspect` (refusal mode).
        currentJob.store(number, ordering: .releasing)
        // A plain write that only the scheduler's start may publish, so it comes after every
        // releasing store of the probe: a worker's acquiring load of a probe word must not
        // order it (that would hide a start that fails to publish from TSan).
        if !refusal { board.publish(job: number, target: target) }
    }

    /// Whether a stopped pool's refusal job has begun (see `beginJob`).
    @inline(__always)
    func inRefusalMode() -> Bool {
        // relaxed: callers first load `currentJob` with acquire, which orders this load.
        refusalJob.load(ordering: .relaxed) != 0
    }

    /// A check failed on a pool thread: report it, unless refusal mode began meanwhile.
    func suspect(_ verdict: Verdict, _ message: @autoclosure () -> String) {
        // acquire: pairs with beginJob's releasing store, so refusal mode set for a job whose
        // number this thread saw is visible below.
        _ = currentJob.load(ordering: .acquiring)
        if inRefusalMode() { return }
        violation(verdict, message())
    }

    /// Caller: arms `fault` for job `number`. Call it before `beginJob`: its releasing store
    /// must not order the job descriptor (see `beginJob`).
    public func arm(_ fault: PlannedFault, job number: UInt64) {
        // release: publishes `wakeHook` to the thread whose acquiring load sees the fault.
        faultWord.store(ArmedFault.pack(fault, job: number, state: .armed), ordering: .releasing)
    }

    /// Caller, after `run`: disarms; returns the fault's state at that moment.
    public func disarm() -> ArmedFault.State {
        // relaxed: the classification is in the word's value itself; an acquire here would
        // order the firing thread's earlier writes (its witness) for TSan.
        ArmedFault.state(of: faultWord.exchange(0, ordering: .relaxed))
    }

    /// Caller, after a successful parallel job: the total reached a receiver, every worker
    /// claimed the job, and every witness matches the oracle. Returns a violation or nil.
    public func checkCompletedJob(number: UInt64, target: UInt64, total: UInt64) -> (Verdict, String)? {
        // First the witnesses, ordered only by the reducer's completion (`isComplete`'s
        // acquire): the waits below acquire probe words and would hide a weak completion.
        if let finding = checkWitnesses(job: number, target: target, total: total, reader: "the caller") { return finding }
        let slot = Int(number % 4)
        // acquire: pairs with the receiver's releasing increment, after its witness reads:
        // the receiver is done with the board before the caller starts the next job (whose
        // threads rewrite it). Bounded by the watchdog (the job's phase stays "running").
        while receivers[slot].load(ordering: .acquiring) == 0 { sched_yield() }
        for thread in 1..<threadCount {
            // acquire: pairs with the worker's releasing store at its claim.
            let claimed = trace(thread, .claimedJob).pointee.load(ordering: .acquiring)
            if claimed != number {
                return (.invariant, "job \(number) completed, but worker \(thread) last claimed job \(claimed): a task was claimed twice or by the wrong worker")
            }
        }
        return nil
    }

    /// Caller: job `number` (an earlier successful parallel job) is fully quiesced: exactly
    /// one receiver and exactly `threadCount` decrements.
    public func checkQuiescedJob(number: UInt64) -> (Verdict, String)? {
        let slot = Int(number % 4)
        // relaxed, both: every event of job `number` happened before this thread saw a later
        // job complete (each worker's events precede its next claim, each claim precedes
        // that job's completion); the values are tallies, no data hangs on them.
        let receiverCount = receivers[slot].load(ordering: .relaxed)
        let left = decrements[slot].load(ordering: .relaxed)
        if receiverCount != 1 {
            return (.invariant, "job \(number): \(receiverCount) threads received the total (exactly one must)")
        }
        if left != 0 {
            return (.invariant, "job \(number): \(Int64(threadCount) - left) count decrements for \(threadCount) threads")
        }
        return nil
    }

    /// Reads every witness slot (plain reads ordered only by the reducer) and compares them
    /// with the oracle.
    func checkWitnesses(job: UInt64, target: UInt64, total: UInt64, reader: String) -> (Verdict, String)? {
        var sum: UInt64 = 0
        for thread in 0..<threadCount {
            let witness = board.read(thread: thread)
            let expected = StressOracle.contribution(of: Share.of(thread: thread, threadCount: threadCount, target: target))
            if witness.job != job || witness.contribution != expected {
                return (.wrongResult, "\(reader) read thread \(thread)'s witness (job \(witness.job), contribution \(witness.contribution)); expected job \(job), contribution \(expected), target \(target)")
            }
            sum &+= witness.contribution
        }
        if sum != total || total != StressOracle.total(target: target) {
            return (.wrongResult, "\(reader): total \(total), witnesses sum to \(sum), oracle \(StressOracle.total(target: target)) (target \(target))")
        }
        return nil
    }

    // MARK: pool threads

    /// The probe's body: trace, noise, checks, then the fault if one is armed here.
    @inline(__always)
    func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure) {
        // relaxed, all three: diagnostics for the watchdog, which tolerates torn snapshots.
        trace(thread, .lastPoint).pointee.store(UInt64(point.rawValue) &+ 1, ordering: .relaxed)
        trace(thread, .lastValue).pointee.store(value, ordering: .relaxed)
        trace(thread, .lastTime).pointee.store(MonotonicClock.nanoseconds(), ordering: .relaxed)
        if noise.level > 0 { noise.delay(state: noiseStates + thread &* 8) }
        switch point {
        case .taskClaimed: claimed(thread: thread, target: value)
        case .countDecremented: decremented(thread: thread, newCount: value)
        case .lockTaken:
            // relaxed: the owner check needs only the word's own modification order. No
            // acquire/release here: it would order the sum for TSan even if the reducer's
            // lock failed to.
            let (exchanged, owner) = lockOwner.compareExchange(expected: -1, desired: thread, ordering: .relaxed)
            if !exchanged { violation(.invariant, "thread \(thread) took the reducer lock while thread \(owner) holds it") }
        case .lockReleasing:
            // relaxed: as at lockTaken.
            let (exchanged, owner) = lockOwner.compareExchange(expected: thread, desired: -1, ordering: .relaxed)
            if !exchanged {
                violation(.invariant, "thread \(thread) releases the reducer lock, but " + (owner < 0 ? "nobody holds it" : "thread \(owner) holds it"))
            }
        case .totalReceived: received(thread: thread, total: value)
        default: break
        }
        // acquiring: pairs with the caller's releasing `arm` (wakeHook).
        let word = faultWord.load(ordering: .acquiring)
        if ArmedFault.state(of: word) == .armed { try fire(word, point: point, thread: thread) }
    }

    func claimed(thread: Int, target: UInt64) {
        // acquire: pairs with beginJob's releasing store (refusal mode, targets).
        let job = currentJob.load(ordering: .acquiring)
        // relaxed: this thread's own word.
        let previous = trace(thread, .claimedJob).pointee.load(ordering: .relaxed)
        if previous == job {
            suspect(.invariant, "worker \(thread) claimed a task of job \(job) twice")
        }
        // relaxed: ordered by the acquiring load of `currentJob` above.
        let expected = targets[Int(job % 4)].load(ordering: .relaxed)
        if target != expected {
            suspect(.invariant, "worker \(thread) claimed target \(target) for job \(job), whose target is \(expected)")
        }
        // release: pairs with the caller's acquiring load in checkCompletedJob.
        trace(thread, .claimedJob).pointee.store(job, ordering: .releasing)
    }

    func decremented(thread: Int, newCount: UInt64) {
        let job = job(of: thread)
        // relaxed: a counter checked by the caller after the job is quiesced (ordered by the
        // claims and merges of the next job).
        let before = decrements[Int(job % 4)].wrappingSubtract(1, ordering: .relaxed).oldValue
        if before <= 0 || newCount >= UInt64(threadCount) {
            suspect(.invariant, "the reducer count underflowed in job \(job): thread \(thread) decremented it to \(newCount) after \(threadCount) decrements")
        }
        // relaxed: read back by this thread only (`fire`), and by nobody else.
        trace(thread, .contributedJob).pointee.store(job, ordering: .relaxed)
    }

    func received(thread: Int, total: UInt64) {
        let job = job(of: thread)
        // acquire: as in `suspect` (refusal mode).
        _ = currentJob.load(ordering: .acquiring)
        if inRefusalMode() { return }
        let target = targets[Int(job % 4)].load(ordering: .relaxed)
        if let (verdict, message) = checkWitnesses(job: job, target: target, total: total, reader: "receiver thread \(thread)") {
            suspect(verdict, message)
        }
        // release: hands the board back to the caller (pairs with its acquiring wait).
        let before = receivers[Int(job % 4)].wrappingAdd(1, ordering: .releasing).oldValue
        if before != 0 {
            suspect(.invariant, "thread \(thread) is the \(before + 1)th thread to receive job \(job)'s total")
        }
    }

    func fire(_ word: UInt64, point: ProbePoint, thread: Int) throws(InjectedFailure) {
        let fault = ArmedFault(word)
        guard fault.thread == thread, fault.point == point, fault.kind != .shareThrow else { return }
        // relaxed: this thread's own word.
        let contributed = trace(thread, .contributedJob).pointee.load(ordering: .relaxed) == fault.job
        let maySucceed = point.isAfterContribution || ((point == .beforePark || point == .afterWake) && contributed)
        let fired = ArmedFault.withState(word, maySucceed ? .firedAfterContribution : .firedBeforeContribution)
        // relaxed: only one thread fires a fault (the word's modification order decides); the
        // value carries the classification. Acquire/release here would add orderings
        // between pool threads that hide the protocol's own from TSan.
        guard faultWord.compareExchange(expected: word, desired: fired, ordering: .relaxed).exchanged else { return }
        context.statistics.faultFired(fault.kind, point: point)
        switch fault.kind {
        case .protocolThrow:
            // The reducer releases its lock on the way out without passing lockReleasing.
            // relaxed: as at lockTaken.
            _ = lockOwner.compareExchange(expected: thread, desired: -1, ordering: .relaxed)
            throw InjectedFailure(point: point, thread: thread, tag: fault.job)
        case .longStall:
            usleep(fault.stallMicroseconds)
        case .spuriousWake:
            wakeHook?()
        case .shareThrow:
            break
        }
    }

    /// StressWork: a share fault armed for this thread fires here (once).
    func fireShareFault(thread: Int) throws(ShareFault) {
        // acquiring: pairs with the caller's releasing `arm`.
        let word = faultWord.load(ordering: .acquiring)
        guard ArmedFault.state(of: word) == .armed else { return }
        let fault = ArmedFault(word)
        guard fault.kind == .shareThrow, fault.thread == thread else { return }
        let fired = ArmedFault.withState(word, .firedBeforeContribution)
        // relaxed: as in `fire`.
        guard faultWord.compareExchange(expected: word, desired: fired, ordering: .relaxed).exchanged else { return }
        context.statistics.faultFired(.shareThrow, point: nil)
        throw ShareFault(thread: thread, tag: fault.job)
    }

    func violation(_ verdict: Verdict, _ message: String) -> Never {
        context.terminate(verdict, message, episode: episode, jobIndex: currentJobIndex.load(ordering: .relaxed))
    }

    /// Snapshot of one thread's trace, for the watchdog.
    public func lastPoint(of thread: Int) -> (point: ProbePoint?, value: UInt64, time: UInt64) {
        let raw = trace(thread, .lastPoint).pointee.load(ordering: .relaxed)
        let point = raw == 0 ? nil : ProbePoint(rawValue: UInt8(raw - 1))
        return (point, trace(thread, .lastValue).pointee.load(ordering: .relaxed),
                trace(thread, .lastTime).pointee.load(ordering: .relaxed))
    }

    /// Threads whose count decrement for the current job the probe has seen (watchdog).
    public var contributorsToCurrentJob: Int {
        // relaxed, all: a diagnostic snapshot.
        let job = currentJob.load(ordering: .relaxed)
        return (0..<threadCount).filter { trace($0, .contributedJob).pointee.load(ordering: .relaxed) == job }.count
    }

    /// The fault word's state, for the watchdog.
    public var faultSnapshot: ArmedFault { ArmedFault(faultWord.load(ordering: .relaxed)) }
}
