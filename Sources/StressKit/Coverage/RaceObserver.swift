import Pool

/// Classifies what the probe sees into `ProtocolRace`s and counts them in `RaceCounters`.
///
/// Most races are read off one thread's own points, in its own order: a claim with no
/// `beforePark` since the previous one was made while spinning; a `countDecremented`
/// without a `lockTaken` in the same merge is the fast path. The others read one more
/// word, never a new shared one: the reducer lock's owner as the probe saw it (a merge that
/// finds it taken), the job ledger (whether a worker parked for the job `start` published),
/// and, when stop is raised, the other threads' last points (where stop finds them).
/// Definitions: `ProtocolRace.definition`, and docs/PROTOCOL.md, "Protocol races".
///
/// Threads: `observe` runs on the thread that passed the point; `stopComing` on the thread
/// about to raise stop; `jobCompleted` on the caller.
package struct RaceObserver {
    let counters: RaceCounters
    let traces: ThreadTraces
    let lockOwnership: LockOwnership
    let ledger: JobLedger

    var threadCount: Int { counters.threadCount }

    /// Thread `thread` passed `point` with `value`. Call it after the probe's own books for
    /// the point (the claim is in `ThreadTraces` already).
    @inline(__always)
    func observe(_ point: ProbePoint, thread: Int, value: UInt64) {
        switch point {
        case .beforePark:
            counters.set(.parksSinceClaim, thread: thread, to: counters.value(of: .parksSinceClaim, thread: thread) &+ 1)
        case .taskClaimed:
            claimed(thread: thread)
        case .jobStarted:
            // The caller parks only in a barrier's start, and claims nothing.
            counters.set(.parksSinceClaim, thread: thread, to: 0)
            // relaxed: read by a failing worker as a snapshot (`stopComing`).
            counters[0, .callerInJob].pointee.store(1, ordering: .relaxed)
        case .beforeMerge:
            let holder = lockOwnership.holder
            let sawHolder = holder != LockOwnership.nobody && holder != thread
            counters.set(.merge, thread: thread, to: sawHolder ? RaceCounters.MergeFlags.sawHolder : 0)
        case .lockTaken:
            let flags = counters.value(of: .merge, thread: thread)
            counters.count(flags & RaceCounters.MergeFlags.sawHolder != 0 ? .lockContended : .lockUncontended, thread: thread)
            counters.set(.merge, thread: thread, to: flags | RaceCounters.MergeFlags.tookLock)
        case .countDecremented:
            decremented(thread: thread, newCount: value)
        case .barrierCompleted:
            counters.count(thread == 0 ? .barrierCallerArrivesLast : .barrierWorkerArrivesLast, thread: thread)
        case .stopRaised:
            stopComing(from: thread)
        default:
            break
        }
    }

    private func claimed(thread: Int) {
        let parks = counters.value(of: .parksSinceClaim, thread: thread)
        if parks == 0 {
            counters.count(.claimWhileSpinning, thread: thread)
            return
        }
        // One park ended in this claim; more than one means a wake found no task.
        counters.count(parks == 1 ? .claimAfterPark : .claimAfterSpuriousWake, thread: thread)
        counters.set(.parksSinceClaim, thread: thread, to: 0)
        // relaxed: this thread's own word, stored by `ProbeRecord.claimed` just before.
        ledger.markParkedClaim(ofJob: traces[thread, .claimedJob].pointee.load(ordering: .relaxed))
    }

    private func decremented(thread: Int, newCount: UInt64) {
        if counters.value(of: .merge, thread: thread) & RaceCounters.MergeFlags.tookLock != 0 {
            counters.count(.mergeLockPath, thread: thread)
        } else {
            counters.count(.mergeFastPath, thread: thread)
            let holder = lockOwnership.holder
            if holder != LockOwnership.nobody && holder != thread { counters.count(.fastPathWhileLockHeld, thread: thread) }
        }
        guard thread == 0 else { return }
        if newCount == 0 {
            counters.count(.callerMergesLast, thread: thread)
        } else if newCount == UInt64(threadCount - 1) {
            counters.count(.callerMergesFirst, thread: thread)
        }
    }

    /// Caller: `run` returned; it no longer waits for a total.
    func jobReturned() {
        // relaxed: as at `jobStarted`.
        counters[0, .callerInJob].pointee.store(0, ordering: .relaxed)
    }

    /// `thread` is about to raise stop (after its failure, or the caller for a shutdown):
    /// counts where stop finds each other thread, by the last point that thread passed.
    func stopComing(from thread: Int) {
        // relaxed: a snapshot of the caller's word (see `RaceCounters.Field.callerInJob`).
        let callerInJob = counters[0, .callerInJob].pointee.load(ordering: .relaxed) != 0
        for other in 0..<threadCount where other != thread {
            let point = traces.lastPoint(of: other).point
            if other == 0 && thread != 0 && callerInJob && point == .countDecremented
                && counters[0, .merge].pointee.load(ordering: .relaxed) & RaceCounters.MergeFlags.tookLock == 0 {
                // relaxed, the merge flags: a snapshot of the caller's word, as `callerInJob`.
                // The caller merged without the lock and waits for the others' contributions:
                // the slot reducer's gather, or the spin-lock fast path's wait for the total.
                counters.count(.stopDuringGather, thread: thread)
            } else if let race = Self.stopRace(lastPoint: point, thread: other, callerInJob: callerInJob) {
                counters.count(race, thread: thread)
            }
        }
    }

    /// Where stop finds thread `thread`, whose last point is `point`; nil where no stop race
    /// is defined (computing a share, failing itself, or the caller between jobs).
    package static func stopRace(lastPoint point: ProbePoint?, thread: Int, callerInJob: Bool) -> ProtocolRace? {
        switch point {
        case .beforePark:
            return .stopWhileParked
        case .allTasksClaimed, .beforeMerge, .lockTaken, .countDecremented:
            return .stopWhileMerging
        case .lockReleasing:
            // Released, or about to (the point comes before the releasing store): a worker
            // is back to waiting for a task; a caller still in its job waits for the total
            // (a thread that merges last passes `totalReceived` instead).
            if thread != 0 { return .stopWhileSpinning }
            return callerInJob ? .stopWhileCallerWaits : nil
        case .afterWake, .shareDone, .totalReceived:
            // A worker re-checking after a wake, waiting for the job's other claims, or back
            // to waiting for a task; a caller there is busy, not waiting.
            return thread == 0 ? nil : .stopWhileSpinning
        case .beforePublish:
            // The caller passed its `isStopped` check and has not published yet (or is
            // publishing): its publish meets the stop.
            return thread == 0 ? .stopBeforePublish : nil
        case nil, .taskClaimed, .jobStarted, .stopRaised, .barrierCompleted:
            return nil
        }
    }

    /// Caller, after parallel job `number` of a futex pool completed: what its `start` met.
    func jobCompleted(number: UInt64) {
        counters.count(ledger.hadParkedClaim(job: number) ? .startFindsSleepers : .startFindsNoSleepers, thread: 0)
    }
}
