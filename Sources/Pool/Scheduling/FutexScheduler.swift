import Synchronization

/// The one-RMW scheduler of the follow-up chapter (NOTES §3): a 32-bit task word that
/// counts unclaimed tasks, a futex to park on, and a stop range in the same word.
///
/// Task word states:
/// - `0`: no task pending (idle, or every task of the current job claimed);
/// - `1 ..< 2^31`: that many worker tasks published and not yet claimed;
/// - `>= 2^31`: stopped. Stop writes `UInt32.max`; claimers that see it decrement it by at
///   most the number of workers, so it never leaves the stop range.
///
/// Per job: the caller does one compare-exchange (+ one load of the sleeper count, + a
/// wake syscall only if a worker is parked); each worker does one fetch-sub.
/// The full state machine and the ordering argument are in docs/PROTOCOL.md.
public final class FutexScheduler: JobScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { "futex" }

    /// Values at or above this mean "stopped".
    public static let stopThreshold: UInt32 = 1 << 31
    /// What `stop()` writes.
    public static let stopValue: UInt32 = .max

    public let task: ParkingWord
    @usableFromInline let target: PaddedAtomic<UInt64>
    @usableFromInline let workerCount: UInt32
    @usableFromInline let spinPolicy: SpinPolicy

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "FutexScheduler needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        task = ParkingWord(0)
        target = PaddedAtomic(0)
        workerCount = UInt32(threadCount - 1)
        self.spinPolicy = spinPolicy
    }

    deinit {
        task.deallocate()
        target.deallocate()
    }

    @inlinable
    public func start<Probe: PoolProbe>(target newTarget: UInt64, probe: Probe) throws(ProtocolInterruption) {
        // relaxed: published by the compare-exchange below (its release half), which every
        // claimer reads with an acquiring fetch-sub.
        target.pointer.pointee.store(newTarget, ordering: .relaxed)
        // seq_cst: release publishes the target and the caller's reducer reset to the
        // claimers (pairs with the acquiring fetch-sub in waitForTask); seq_cst also makes it
        // the publisher's half of ParkingWord's Dekker pair (pairs with park's increment).
        let (exchanged, original) = task.word.pointer.pointee.compareExchange(
            expected: 0, desired: workerCount,
            successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
        if !exchanged {
            if original >= Self.stopThreshold { throw .stopped }
            preconditionFailure(
                "FutexScheduler.start: \(original) tasks of the previous job are unclaimed; a job was started before the previous one finished")
        }
        PoolTrace.log(0, "futex: published \(workerCount) tasks, target \(newTarget)")
        task.wakeAllIfSleeping()
    }

    @inlinable
    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        let word = task.word
        while true {
            // relaxed: only decides whether to claim; the claim itself acquires.
            let pending = BoundedSpinWait.wait(
                policy: spinPolicy,
                until: { word.pointer.pointee.load(ordering: .relaxed) != 0 },
                orFull: { word.pointer.pointee.load(ordering: .relaxed) != 0 })
            if pending { break }
            try probe.pass(.beforePark, thread: thread, value: 0)
            PoolTrace.log(thread, "futex: parks")
            task.park(whileEqualTo: 0)
            PoolTrace.log(thread, "futex: woke")
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        // acquire: pairs with start's compare-exchange (and stop's store): the target, the
        // reducer reset and everything the caller wrote before start are visible after it.
        // The fetch-subs of other claimers continue that release sequence.
        let previous = word.pointer.pointee.wrappingSubtract(1, ordering: .acquiring).oldValue
        if previous >= Self.stopThreshold {
            PoolTrace.log(thread, "futex: saw stop")
            throw .stopped
        }
        precondition(previous != 0, "FutexScheduler: thread \(thread) claimed a task when none was pending")
        // relaxed: ordered by the acquiring fetch-sub above.
        let claimedTarget = target.pointer.pointee.load(ordering: .relaxed)
        PoolTrace.log(thread, "futex: claimed a task (\(previous - 1) left), target \(claimedTarget)")
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }

    @inlinable
    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        let word = task.word
        // relaxed: this wait only keeps a fast worker from claiming twice; it publishes and
        // reads no data. Its next claim is an RMW, which reads the newest value anyway.
        let isSettled = {
            let value = word.pointer.pointee.load(ordering: .relaxed)
            return value == 0 || value >= FutexScheduler.stopThreshold
        }
        _ = UnboundedSpinWait.wait(policy: spinPolicy, until: isSettled, orFull: isSettled)
        if word.pointer.pointee.load(ordering: .relaxed) >= Self.stopThreshold { throw .stopped }
    }

    public func stop() {
        // seq_cst: release so that a claimer's acquiring fetch-sub that reads it sees what the
        // stopper wrote before (its failure record); seq_cst is not needed for the wake,
        // which is unconditional.
        task.word.pointer.pointee.store(Self.stopValue, ordering: .sequentiallyConsistent)
        task.wakeAll()
    }

    @inlinable
    public var isStopped: Bool {
        // relaxed: a hint polled in spin loops; whoever acts on it re-reads what it needs
        // with its own ordering (the failure record has a lock).
        task.word.pointer.pointee.load(ordering: .relaxed) >= Self.stopThreshold
    }

    public func wakeSpuriously() { task.wakeAll() }

    public var diagnostics: SchedulerDiagnostics {
        let value = task.word.pointer.pointee.load(ordering: .relaxed)
        let stopped = value >= Self.stopThreshold
        return SchedulerDiagnostics(word: UInt64(value), pendingTasks: stopped ? 0 : UInt64(value),
                                    sleepers: task.sleeperCount, stopped: stopped)
    }
}
