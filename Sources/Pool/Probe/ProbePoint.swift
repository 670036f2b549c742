/// A named point on the protocol's path where a probe is called.
///
/// The order below is the order a worker passes them in one job. Thread 0 (the caller)
/// passes `jobStarted` instead of `taskClaimed`, and `allTasksClaimed` never; it parks only
/// in `BasicScheduler`, whose barrier it waits in like every party (so it passes
/// `beforePark` and `afterWake` there), never in `SequenceScheduler` or `FutexScheduler`.
/// With the standard blocks (`SequenceScheduler`, `SlotReducer`) a worker passes
/// `taskClaimed` when it sees a new job, `allTasksClaimed` at once (nothing is claimed, so
/// nothing waits), `countDecremented` when it published its slot, and never `lockTaken` or
/// `lockReleasing`; the caller passes `totalReceived` after gathering every slot. The `value` passed with a
/// point is documented per case; it is 0 where none is listed. `barrierCompleted`, last in
/// the list, is off that path: only the last party of a `BasicScheduler` round passes it.
public enum ProbePoint: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// About to block in the kernel (futex). value: the value it will wait on (0 for the
    /// futex scheduler's task word, the round for a barrier's generation word).
    case beforePark
    /// Returned from the kernel (woken, spuriously or not).
    case afterWake
    /// Worker: its claiming RMW succeeded. value: the job's target.
    case taskClaimed
    /// Caller: the job was published to the workers. value: the job's target.
    case jobStarted
    /// Any thread: its share is computed. value: its contribution.
    case shareDone
    /// Worker: every task of the job has been claimed (waitForStarted returned).
    case allTasksClaimed
    /// Any thread: about to merge its contribution into the reducer. value: the contribution.
    case beforeMerge
    /// Any thread: holds the reducer's lock.
    case lockTaken
    /// Any thread: its contribution is in the reducer's books. The spin-lock reducer: it
    /// decremented the remaining-thread count, value: the new count. The slot reducer, which
    /// has no shared count: it published its slot, value 0 (`InspectableReducer.countsContributions`).
    case countDecremented
    /// Any thread: about to release the reducer's lock (still holds it). Fired before the
    /// releasing store so that an owner check cannot race with the next taker.
    case lockReleasing
    /// The one thread that receives the job's total (the one that finished last, or the caller
    /// of a reducer that gathers the slots): holds it. value: the total.
    case totalReceived
    /// Any thread: has raised the stop signal after a failure.
    case stopRaised
    /// The last party of a `StoppableBarrier` round: it completed the round (and woke the
    /// parked parties, if any). value: the round's generation before the bump. The stress
    /// driver counts who arrives last (docs/PROTOCOL.md, "Protocol races"); its fault plan
    /// never targets this point.
    case barrierCompleted
    /// Caller of a parallel job: its `isStopped` check passed and the reducer is reset; it is
    /// about to publish the job (`start`). A stop raised from here until the publish makes
    /// `start` throw: the job fails with the pool's recorded failure, not plain `.stopped`
    /// (docs/PROTOCOL.md, "Late stops"). value: the job's target. Last in the list because
    /// it came after the stress plans were pinned; the fault plan never targets it.
    case beforePublish

    public var description: String {
        switch self {
        case .beforePark: "before park"
        case .afterWake: "after wake"
        case .taskClaimed: "task claimed"
        case .jobStarted: "job started"
        case .shareDone: "share done"
        case .allTasksClaimed: "all tasks claimed"
        case .beforeMerge: "before merge"
        case .lockTaken: "lock taken"
        case .countDecremented: "count decremented"
        case .lockReleasing: "lock releasing"
        case .totalReceived: "total received"
        case .stopRaised: "stop raised"
        case .barrierCompleted: "barrier completed"
        case .beforePublish: "before publish"
        }
    }

    /// Whether a failure thrown here may surface after the job's total is complete, so that
    /// the job itself can still succeed (and only the next one sees "stopped"). True for the
    /// points a thread passes after its decrement: see docs/PROTOCOL.md, "Late failures".
    public var isAfterContribution: Bool {
        switch self {
        case .countDecremented, .lockReleasing, .totalReceived, .stopRaised: true
        default: false
        }
    }
}
