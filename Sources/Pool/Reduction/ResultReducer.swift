/// Collects each thread's contribution to a job and hands the total to one thread.
///
/// Contract, per job of `threadCount` contributions:
/// - The caller calls `reset(threadCount:)` before publishing the job, never during one.
/// - Each thread calls `threadDone` exactly once. At most one call returns the total (the
///   one that completes the job); every other call returns nil.
/// - If the caller's own `threadDone` returned nil, it calls `waitForTotal`, which returns
///   the total once every contribution is in, or throws `.stopped` once `isStopped` says
///   the pool stopped first.
/// - Exactly one thread *receives* each job's total and passes the probe's `totalReceived`
///   with it: the thread whose `threadDone` completed the job or, in a reducer that gathers
///   the contributions at the caller, the caller in `waitForTotal`. The receiver, and the
///   caller when `waitForTotal` returns, see everything each thread wrote before its
///   `threadDone` (release/acquire).
/// - A total that would overflow UInt64 throws `.overflow`, never wraps. The job then
///   never completes; the failing thread raises stop.
/// - A probe failure thrown inside `threadDone` leaves no lock held.
///
/// What tests and watchdogs need beyond this is in `InspectableReducer`.
public protocol ResultReducer: AnyObject, Sendable {
    init(threadCount: Int, spinPolicy: SpinPolicy)

    /// Short name for reports.
    static var name: String { get }

    func reset(threadCount: Int)

    func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64?

    /// The caller's wait for the total, after its own `threadDone` returned nil. Polls
    /// `isStopped` while it waits (it must be cheap: one relaxed load).
    func waitForTotal<Probe: PoolProbe>(
        thread: Int, probe: Probe, isStopped: () -> Bool
    ) throws(ProtocolInterruption) -> UInt64
}
