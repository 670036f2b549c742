import Synchronization
/// The state of a `FutexSchedulerWith`, as its steps see it.
///
/// Task word states:
/// - `0`: no task pending (idle, or every task of the current job claimed);
/// - `1 ..< 2^31`: that many worker tasks published and not yet claimed;
/// - `>= 2^31`: stopped. Stop writes `UInt32.max`; claimers that see it decrement it by at
///   most the number of workers, so it never leaves the stop range.
///
/// Owned by one scheduler, which deallocates it in its deinit.
@frozen
public struct FutexWords: Sendable {
    /// Values at or above this mean "stopped".
    public static let stopThreshold: UInt32 = 1 << 31
    /// What stop writes.
    public static let stopValue: UInt32 = .max

    /// The futex word: the count of unclaimed tasks, or stopped.
    @usableFromInline package let task: ParkingWord
    /// The current job's target, published by the compare-exchange on `task`.
    @usableFromInline package let target: PaddedAtomic<UInt64>
    /// Tasks per job: the threads other than the caller.
    public let workerCount: UInt32
    public let spinPolicy: SpinPolicy

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        task = ParkingWord(0, label: "task", sleepersLabel: "task.sleepers")
        target = PaddedAtomic(0, label: "target")
        workerCount = UInt32(threadCount - 1)
        self.spinPolicy = spinPolicy
    }

    func deallocate() {
        task.deallocate()
        target.deallocate()
    }
}

/// The steps of the futex scheduler, each one replaceable.
///
/// `FutexSchedulerWith` assembles its protocol from these steps; the defaults below are the
/// real ones, and `CorrectFutexSteps` takes every default: `FutexScheduler` is
/// `FutexSchedulerWith<CorrectFutexSteps>`. A canary (`Sources/Canaries`) is a steps type that
/// replaces exactly one step with its bug and inherits the rest, so that it is the real
/// scheduler with one step broken: when an ordering here changes, it changes in every canary
/// that does not break that step. Steps call each other through `Self`, so a replaced step is
/// used wherever the protocol reaches it. The assembly and the orderings are in
/// docs/PROTOCOL.md, section 4.
///
/// Every step is static and generic-specialised: the real scheduler pays nothing for it.
public protocol FutexSteps: SendableMetatype {
    /// The canary's registry name; nil for the real steps.
    static var variantName: String? { get }

    /// `start`: stores the target and publishes `workerCount` tasks, or throws `.stopped`.
    static func publishJob(_ words: FutexWords, target: UInt64) throws(ProtocolInterruption)
    /// `start`, after publishing: wakes parked workers, if any may be parked.
    static func wakeForJob(_ words: FutexWords)
    /// `waitForTask`: bounded spin until a task is pending. False: the worker parks next.
    static func spinForTask(_ words: FutexWords) -> Bool
    /// `waitForTask`: blocks while no task is pending (may return spuriously).
    static func parkForTask(_ words: FutexWords)
    /// `waitForTask`, once a task looks pending: claims it, or throws `.stopped`.
    static func claim<Probe: PoolProbe>(_ words: FutexWords, thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64
    /// `waitForStarted`: waits until every task of the job is claimed, or throws `.stopped`.
    static func awaitAllClaimed(_ words: FutexWords) throws(ProtocolInterruption)
    /// `stop(.shutdown)`: raises stop and wakes every parked thread.
    static func raiseStop(_ words: FutexWords)
    /// `stop(.failure)`: what a failing thread does; the real one raises stop like shutdown.
    static func raiseStopAfterFailure(_ words: FutexWords, thread: Int)
    /// `raiseStop`, after the stop value is stored: wakes every parked thread.
    static func wakeAfterStop(_ words: FutexWords)
    /// Diagnostics: the watchdog's rescue and injected spurious wakes. Wakes every thread
    /// parked on any of the scheduler's words, so that it reaches a thread that parked on the
    /// wrong one too.
    static func rescueWake(_ words: FutexWords)
}

/// The real futex scheduler's steps: every default.
public enum CorrectFutexSteps: FutexSteps {}

extension FutexSteps {
    @inlinable
    public static var variantName: String? { nil }

    @inlinable
    public static func publishJob(_ words: FutexWords, target newTarget: UInt64) throws(ProtocolInterruption) {
        // relaxed: published by the compare-exchange below (its release half), which every
        // claimer reads with an acquiring fetch-sub.
        words.target.store(newTarget, ordering: .relaxed)
        // seq_cst: release publishes the target and the caller's reducer reset to the
        // claimers (pairs with the acquiring fetch-sub in `claim`); seq_cst also makes it the
        // publisher's half of ParkingWord's Dekker pair (pairs with park's increment).
        let (exchanged, original) = words.task.word.compareExchange(
            expected: 0, desired: words.workerCount,
            successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
        if !exchanged {
            if original >= FutexWords.stopThreshold { throw .stopped }
            preconditionFailure(
                "FutexScheduler.start: \(original) tasks of the previous job are unclaimed; a job was started before the previous one finished")
        }
        PoolTrace.log(0, "futex: published \(words.workerCount) tasks, target \(newTarget)")
    }

    @inlinable
    public static func wakeForJob(_ words: FutexWords) {
        words.task.wakeAllIfSleeping()
    }

    @inlinable
    public static func spinForTask(_ words: FutexWords) -> Bool {
        let word = words.task.word
        // relaxed: only decides whether to claim; the claim itself acquires.
        return BoundedSpinWait.wait(
            policy: words.spinPolicy,
            until: { word.load(ordering: .relaxed) != 0 },
            orFull: { word.load(ordering: .relaxed) != 0 })
    }

    @inlinable
    public static func parkForTask(_ words: FutexWords) {
        // The value checked is 0: the kernel re-checks it, so a job published since the check
        // makes the wait return at once (docs/PROTOCOL.md, "Why no wake-up is lost").
        words.task.park(whileEqualTo: 0)
    }

    @inlinable
    public static func claim<Probe: PoolProbe>(
        _ words: FutexWords, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        // acquire: pairs with publishJob's compare-exchange (and raiseStop's store): the target,
        // the reducer reset and everything the caller wrote before start are visible after
        // it. The fetch-subs of other claimers continue that release sequence.
        let previous = words.task.word.wrappingSubtract(1, ordering: .acquiring)
        if previous >= FutexWords.stopThreshold {
            PoolTrace.log(thread, "futex: saw stop")
            throw .stopped
        }
        precondition(previous != 0, "FutexScheduler: thread \(thread) claimed a task when none was pending (the task word underflowed)")
        // relaxed: ordered by the acquiring fetch-sub above.
        let claimedTarget = words.target.load(ordering: .relaxed)
        PoolTrace.log(thread, "futex: claimed a task (\(previous - 1) left), target \(claimedTarget)")
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }

    @inlinable
    public static func awaitAllClaimed(_ words: FutexWords) throws(ProtocolInterruption) {
        let word = words.task.word
        // relaxed: this wait only keeps a fast worker from claiming twice; it publishes and
        // reads no data. Its next claim is an RMW, which reads the newest value anyway.
        let isSettled = {
            let value = word.load(ordering: .relaxed)
            return value == 0 || value >= FutexWords.stopThreshold
        }
        _ = UnboundedSpinWait.wait(policy: words.spinPolicy, until: isSettled, orFull: isSettled)
        // relaxed: as above.
        if word.load(ordering: .relaxed) >= FutexWords.stopThreshold { throw .stopped }
    }

    @inlinable
    public static func raiseStop(_ words: FutexWords) {
        // seq_cst: release so that a claimer's acquiring fetch-sub that reads it sees what the
        // stopper wrote before (its failure record); seq_cst is not needed for the wake,
        // which is unconditional.
        words.task.word.store(FutexWords.stopValue, ordering: .sequentiallyConsistent)
        Self.wakeAfterStop(words)
    }

    @inlinable
    public static func raiseStopAfterFailure(_ words: FutexWords, thread: Int) {
        Self.raiseStop(words)
    }

    @inlinable
    public static func wakeAfterStop(_ words: FutexWords) {
        words.task.wakeAll()
    }

    public static func rescueWake(_ words: FutexWords) {
        words.task.wakeAll()
        ParkingWord.wakeAll(at: words.target.address)
    }
}
