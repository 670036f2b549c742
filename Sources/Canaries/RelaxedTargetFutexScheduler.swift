import Pool
import Synchronization

/// CANARY (ThreadSanitizer only): `FutexScheduler` whose job publication is relaxed on both
/// sides. Everything else is the real scheduler's code, with one deliberate difference below.
///
/// What is broken:
/// - `start`'s compare-exchange 0 -> N-1 is relaxed (real: sequentially consistent, whose
///   release half publishes the target and everything the caller wrote before `start`: the
///   reducer's reset of its sum and count, and the job's input data);
/// - the claim's fetch-sub in `waitForTask` is relaxed (real: `.acquiring`, pairing with that
///   release).
/// So a worker reads the target, and then touches the reducer's sum, with nothing ordering
/// them after the caller's writes. On x86-64 the hardware still orders them (a locked
/// compare-exchange is a full barrier), so results stay right and no oracle can see it; only
/// ThreadSanitizer reports the caller's reset of the sum racing with the worker's merge.
/// `scripts/tsan.sh` checks that it does (`stress --variant relaxed-target`).
///
/// The one deliberate difference besides the orderings: `start` wakes unconditionally instead
/// of `wakeAllIfSleeping()`. Skipping the wake when nobody sleeps relies on the compare-
/// exchange being sequentially consistent (ParkingWord's Dekker pair); relaxing it would also
/// plant a lost wake-up, and this canary must stay a pure ordering bug that only TSan sees.
public final class RelaxedTargetFutexScheduler: JobScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { "relaxed-target" }

    public let task: ParkingWord
    let target: PaddedAtomic<UInt64>
    let workerCount: UInt32
    let spinPolicy: SpinPolicy

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "RelaxedTargetFutexScheduler needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        task = ParkingWord(0)
        target = PaddedAtomic(0)
        workerCount = UInt32(threadCount - 1)
        self.spinPolicy = spinPolicy
    }

    deinit {
        task.deallocate()
        target.deallocate()
    }

    public func start<Probe: PoolProbe>(target newTarget: UInt64, probe: Probe) throws(ProtocolInterruption) {
        // relaxed: meant to be published by the compare-exchange below (as in the real scheduler).
        target.pointer.pointee.store(newTarget, ordering: .relaxed)
        // BROKEN (relaxed, needs release): publishes nothing, so the target store above and the
        // caller's reducer reset are not ordered before the workers' claims.
        let (exchanged, original) = task.word.pointer.pointee.compareExchange(
            expected: 0, desired: workerCount,
            successOrdering: .relaxed, failureOrdering: .relaxed)
        if !exchanged {
            if original >= FutexScheduler.stopThreshold { throw .stopped }
            preconditionFailure(
                "RelaxedTargetFutexScheduler.start: \(original) tasks of the previous job are unclaimed; a job was started before the previous one finished")
        }
        // Unconditional wake: see the type's comment (keeps wake-ups correct without seq_cst).
        task.wakeAll()
    }

    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        let word = task.word
        while true {
            // relaxed: only decides whether to claim (as in the real scheduler).
            let pending = BoundedSpinWait.wait(
                policy: spinPolicy,
                until: { word.pointer.pointee.load(ordering: .relaxed) != 0 },
                orFull: { word.pointer.pointee.load(ordering: .relaxed) != 0 })
            if pending { break }
            try probe.pass(.beforePark, thread: thread, value: 0)
            task.park(whileEqualTo: 0)
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        // BROKEN (relaxed, needs acquire): should pair with start's compare-exchange, so that
        // the target, the reducer reset and the caller's writes are visible after the claim.
        let previous = word.pointer.pointee.wrappingSubtract(1, ordering: .relaxed).oldValue
        if previous >= FutexScheduler.stopThreshold { throw .stopped }
        precondition(previous != 0, "RelaxedTargetFutexScheduler: thread \(thread) claimed a task when none was pending")
        // relaxed: meant to be ordered by the claim above, which no longer acquires.
        let claimedTarget = target.pointer.pointee.load(ordering: .relaxed)
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }

    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        let word = task.word
        // relaxed: keeps a fast worker from claiming twice; publishes no data (as in the real scheduler).
        let isSettled = {
            let value = word.pointer.pointee.load(ordering: .relaxed)
            return value == 0 || value >= FutexScheduler.stopThreshold
        }
        _ = UnboundedSpinWait.wait(policy: spinPolicy, until: isSettled, orFull: isSettled)
        if word.pointer.pointee.load(ordering: .relaxed) >= FutexScheduler.stopThreshold { throw .stopped }
    }

    public func stop() {
        // seq_cst: release so that a claimer that reads it sees the stopper's failure record;
        // correct, as in the real scheduler (the canary breaks only job publication).
        task.word.pointer.pointee.store(FutexScheduler.stopValue, ordering: .sequentiallyConsistent)
        task.wakeAll()
    }

    public var isStopped: Bool {
        // relaxed: a hint polled in spin loops (as in the real scheduler).
        task.word.pointer.pointee.load(ordering: .relaxed) >= FutexScheduler.stopThreshold
    }

    public func wakeSpuriously() { task.wakeAll() }

    public var diagnostics: SchedulerDiagnostics {
        let value = task.word.pointer.pointee.load(ordering: .relaxed)
        let stopped = value >= FutexScheduler.stopThreshold
        return SchedulerDiagnostics(word: UInt64(value), pendingTasks: stopped ? 0 : UInt64(value),
                                    sleepers: task.sleeperCount, stopped: stopped)
    }
}
