import Pool
import Synchronization

/// The real `FutexScheduler`'s protocol, as a class whose steps a canary can override.
///
/// Each futex canary is a subclass that overrides exactly one step with its bug. The
/// correct steps live here once (same orderings, same comments as `FutexScheduler`, whose
/// internals are not visible outside the Pool module), so that each canary's file shows
/// only what is broken. Not `open`: only this module's canaries derive from it.
// @unchecked: a non-final class cannot be checked Sendable; it and its subclasses hold only `let`s
// of Sendable types (atomics in allocated memory).
public class FutexCanaryBase: JobScheduler, @unchecked Sendable {
    public class var minimumJobSize: UInt64 { 0 }
    public class var name: String { "futex-canary" }

    let task: ParkingWord
    let target: PaddedAtomic<UInt64>
    let workerCount: UInt32
    let spinPolicy: SpinPolicy

    public required init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "\(Self.name) needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        task = ParkingWord(0)
        target = PaddedAtomic(0)
        workerCount = UInt32(threadCount - 1)
        self.spinPolicy = spinPolicy
    }

    deinit {
        task.deallocate()
        target.deallocate()
    }

    /// `FutexScheduler.start`.
    public func start<Probe: PoolProbe>(target newTarget: UInt64, probe: Probe) throws(ProtocolInterruption) {
        // relaxed: published by the compare-exchange below (its release half).
        target.pointer.pointee.store(newTarget, ordering: .relaxed)
        // seq_cst: release publishes the target and the caller's writes to the claimers
        // (pairs with the acquiring fetch-sub in `claim`); seq_cst makes it ParkingWord's
        // publisher half (pairs with park's increment).
        let (exchanged, original) = task.word.pointer.pointee.compareExchange(
            expected: 0, desired: workerCount,
            successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
        if !exchanged {
            if original >= FutexScheduler.stopThreshold { throw .stopped }
            preconditionFailure("canary start: \(original) tasks of the previous job are unclaimed")
        }
        task.wakeAllIfSleeping()
    }

    /// Bounded spin until a task is pending; true if one is, false if the caller must park.
    func spinForTask() -> Bool {
        let word = task.word
        // relaxed: only decides whether to claim; the claim itself acquires.
        return BoundedSpinWait.wait(
            policy: spinPolicy,
            until: { word.pointer.pointee.load(ordering: .relaxed) != 0 },
            orFull: { word.pointer.pointee.load(ordering: .relaxed) != 0 })
    }

    /// `FutexScheduler.waitForTask` after the wait: the claiming fetch-sub.
    func claim<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        // acquire: pairs with `publish`'s compare-exchange (and `raiseStop`'s store).
        let previous = task.word.pointer.pointee.wrappingSubtract(1, ordering: .acquiring).oldValue
        if previous >= FutexScheduler.stopThreshold { throw .stopped }
        // No `precondition(previous != 0)` here, unlike the real scheduler: a canary that
        // claims a task nobody published (no-wait-for-started does) must be judged by the
        // harness's detectors, not end the process in a trap before they report. The
        // underflowed word reads as "stopped", which the harness sees as a failed job.
        // relaxed: ordered by the acquiring fetch-sub above.
        let claimedTarget = target.pointer.pointee.load(ordering: .relaxed)
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }

    /// `FutexScheduler.waitForTask`: spin, then park on the value it checked.
    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        while !spinForTask() {
            try probe.pass(.beforePark, thread: thread, value: 0)
            task.park(whileEqualTo: 0)
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        return try claim(thread: thread, probe: probe)
    }

    /// `FutexScheduler.waitForStarted`: spin until every task of the job is claimed.
    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        let word = task.word
        // relaxed: keeps a fast worker from claiming twice; publishes and reads no data.
        let isSettled = {
            let value = word.pointer.pointee.load(ordering: .relaxed)
            return value == 0 || value >= FutexScheduler.stopThreshold
        }
        _ = UnboundedSpinWait.wait(policy: spinPolicy, until: isSettled, orFull: isSettled)
        if word.pointer.pointee.load(ordering: .relaxed) >= FutexScheduler.stopThreshold { throw .stopped }
    }

    /// `FutexScheduler.stop`.
    public func stop() {
        // seq_cst: release so that a claimer's acquiring fetch-sub sees the stopper's writes.
        task.word.pointer.pointee.store(FutexScheduler.stopValue, ordering: .sequentiallyConsistent)
        task.wakeAll()
    }

    public var isStopped: Bool {
        // relaxed: a hint polled in spin loops.
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
