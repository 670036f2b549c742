import Glibc
import Pool
import Synchronization

/// The armed fault of one pool: the caller arms it for a job, the thread it names fires it
/// once at its point (or in its share), and the caller disarms it after the job, learning
/// whether it fired before or after that thread's contribution.
///
/// The whole state is one packed word (`ArmedFault`), so that no plain field is shared.
/// Firing is a compare-exchange on that word: exactly one thread fires a fault.
final class FaultTrigger: @unchecked Sendable {
    /// The armed fault, packed (see `ArmedFault`).
    private let faultWord = Atomic<UInt64>(0)
    /// Set once by the caller before any fault is armed (the arming store publishes it).
    var wakeHook: (@Sendable () -> Void)?
    /// Whether the caller, at `beforePublish`, waits (bounded) for an armed between-jobs
    /// failure of a worker, so that its stop lands between the caller's `isStopped` check and
    /// its publish. Off under exploration, whose schedules reach that window by themselves
    /// (and whose threads do not run while the caller waits). Set like `wakeHook`.
    var drivesLateStops = true
    /// How long the caller waits at `beforePublish` for the worker's failure.
    static let lateStopWaitNanoseconds: UInt64 = 2_000_000

    private let statistics: StressStatistics
    private let traces: ThreadTraces
    private let lockOwnership: LockOwnership
    /// Where a fired failure counts as landing before or after its thread's contribution.
    private let races: RaceCounters

    init(statistics: StressStatistics, traces: ThreadTraces, lockOwnership: LockOwnership, races: RaceCounters) {
        self.statistics = statistics
        self.traces = traces
        self.lockOwnership = lockOwnership
        self.races = races
    }

    /// Caller: arms `fault` for job `number`. Call it before the job is opened: its
    /// releasing store must not order the job descriptor (see `ProbeRecord.beginJob`).
    func arm(_ fault: PlannedFault, job number: UInt64) {
        // release: publishes `wakeHook` to the thread whose acquiring load sees the fault.
        faultWord.store(ArmedFault.pack(fault, job: number, state: .armed), ordering: .releasing)
    }

    /// Caller, after `run`: disarms; returns the fault's state at that moment.
    func disarm() -> ArmedFault.State {
        // relaxed: the classification is in the word's value itself; an acquire here would
        // order the firing thread's earlier writes (its witness) for TSan.
        ArmedFault.state(of: faultWord.exchange(0, ordering: .relaxed))
    }

    /// The fault word's state, for the watchdog.
    var snapshot: ArmedFault { ArmedFault(faultWord.load(ordering: .relaxed)) }

    /// Pool thread `thread` at `point`: fires the armed fault if it is armed for here.
    @inline(__always)
    func fireIfArmed(at point: ProbePoint, thread: Int) throws(InjectedFailure) {
        // acquiring: pairs with the caller's releasing `arm` (wakeHook).
        let word = faultWord.load(ordering: .acquiring)
        guard ArmedFault.state(of: word) == .armed else { return }
        if point == .beforePublish { return awaitWaitingFailure() }
        try fire(word, point: point, thread: thread)
    }

    /// Caller: if the armed fault is a worker's failure while it waits for a job
    /// (`beforePark`, `afterWake`), wakes the workers and waits, bounded, for it to fire. At
    /// `beforePublish` (its `isStopped` check passed) its stop then lands before the publish;
    /// between two jobs, before the next job's check (docs/PROTOCOL.md, "Late stops"). A
    /// spinning worker fires it when it parks.
    func awaitWaitingFailure() {
        // relaxed: the caller's own arming store.
        let word = faultWord.load(ordering: .relaxed)
        guard ArmedFault.state(of: word) == .armed else { return }
        let fault = ArmedFault(word)
        guard drivesLateStops, fault.kind == .protocolThrow, fault.thread != 0,
              fault.point == .beforePark || fault.point == .afterWake else { return }
        wakeHook?()
        let deadline = MonotonicClock.nanoseconds() &+ Self.lateStopWaitNanoseconds
        // relaxed: only whether it fired; the stop it raises is read by the caller's publish.
        while ArmedFault.state(of: faultWord.load(ordering: .relaxed)) == .armed && MonotonicClock.nanoseconds() < deadline {
            sched_yield()
        }
    }

    private func fire(_ word: UInt64, point: ProbePoint, thread: Int) throws(InjectedFailure) {
        let fault = ArmedFault(word)
        guard fault.thread == thread, fault.point == point, fault.kind != .shareThrow else { return }
        // relaxed: this thread's own word.
        let contributedJob = traces[thread, .contributedJob].pointee.load(ordering: .relaxed)
        let contributed = ArmedFault.jobTag(of: contributedJob) == fault.job
        let maySucceed = point.isAfterContribution || ((point == .beforePark || point == .afterWake) && contributed)
        let fired = ArmedFault.withState(word, maySucceed ? .firedAfterContribution : .firedBeforeContribution)
        // relaxed: only one thread fires a fault (the word's modification order decides); the
        // value carries the classification. Acquire/release here would add orderings
        // between pool threads that hide the protocol's own from TSan.
        guard faultWord.compareExchange(expected: word, desired: fired, ordering: .relaxed).exchanged else { return }
        statistics.faultFired(fault.kind, point: point)
        switch fault.kind {
        case .protocolThrow:
            races.count(maySucceed ? .failureAfterContribution : .failureBeforeContribution, thread: thread)
            // The reducer releases its lock on the way out without passing lockReleasing.
            lockOwnership.forget(thread: thread)
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
        statistics.faultFired(.shareThrow, point: nil)
        races.count(.failureBeforeContribution, thread: thread)
        throw ShareFault(thread: thread, tag: fault.job)
    }
}
