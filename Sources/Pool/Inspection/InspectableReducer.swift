/// What tests and watchdogs need from a reducer besides its protocol: whether the current
/// job's total is in, the total itself, and a snapshot of its words.
///
/// Kept out of `ResultReducer` on purpose: the pool's job path never calls it. Every reducer
/// in this package adopts it.
@usableFromInline package protocol InspectableReducer: ResultReducer {
    /// Whether every contribution of the current job is in (acquire: `result` and the
    /// threads' writes are visible after it returns true).
    var isComplete: Bool { get }

    /// The total. Valid only after `isComplete` returned true.
    var result: UInt64 { get }

    /// A snapshot for watchdogs: relaxed reads.
    var diagnostics: ReducerDiagnostics { get }

    /// Whether the value a thread passes with `countDecremented` is a count of contributions
    /// that every thread decrements in turn, so that one job's values are N − 1 ... 0, each
    /// once (the spin-lock reducer). False for a reducer whose threads share no count (the
    /// slot reducer: each passes 0 once its slot is published).
    static var countsContributions: Bool { get }
}

@usableFromInline package struct ReducerDiagnostics: Sendable, CustomStringConvertible {
    /// Contributions still expected in the current job.
    @usableFromInline package var remainingThreads: UInt32
    @usableFromInline package var locked: Bool

    @usableFromInline package init(remainingThreads: UInt32, locked: Bool) {
        self.remainingThreads = remainingThreads
        self.locked = locked
    }

    @usableFromInline package var description: String { "remaining=\(remainingThreads) locked=\(locked)" }
}
