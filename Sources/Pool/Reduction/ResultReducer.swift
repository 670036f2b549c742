/// Collects each thread's contribution to a job and hands the total to one thread.
///
/// Contract, per job of `threadCount` contributions:
/// - The caller calls `reset(threadCount:)` before publishing the job, never during one.
/// - Each thread calls `threadDone` exactly once. The call that completes the job (the last
///   one) returns the total; every other call returns nil. Exactly one thread receives it.
/// - Once `isComplete` returns true, `result` is the total, and everything each thread
///   wrote before its `threadDone` is visible to the reader (release/acquire).
/// - A total that would overflow UInt64 throws `.overflow`, never wraps. The job then
///   never completes; the failing thread raises stop.
/// - A probe failure thrown inside `threadDone` leaves no lock held.
public protocol ResultReducer: AnyObject, Sendable {
    init(threadCount: Int, spinPolicy: SpinPolicy)

    /// Short name for reports.
    static var name: String { get }

    func reset(threadCount: Int)

    func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64?

    /// Whether every contribution is in (acquire: `result` and the threads' writes are visible).
    var isComplete: Bool { get }

    /// The total. Valid only after `isComplete` returned true.
    var result: UInt64 { get }

    /// A snapshot for watchdogs: relaxed reads.
    var diagnostics: ReducerDiagnostics { get }
}

public struct ReducerDiagnostics: Sendable, CustomStringConvertible {
    /// Contributions still expected in the current job.
    public var remainingThreads: UInt32
    public var locked: Bool

    public init(remainingThreads: UInt32, locked: Bool) {
        self.remainingThreads = remainingThreads
        self.locked = locked
    }

    public var description: String { "remaining=\(remainingThreads) locked=\(locked)" }
}
