/// What tests and watchdogs need from a reducer besides its protocol: whether the current
/// job's total is in, the total itself, and a snapshot of its words.
///
/// Kept out of `ResultReducer` on purpose: the pool's job path never calls it. Every reducer
/// in this package adopts it.
public protocol InspectableReducer: ResultReducer {
    /// Whether every contribution of the current job is in (acquire: `result` and the
    /// threads' writes are visible after it returns true).
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
