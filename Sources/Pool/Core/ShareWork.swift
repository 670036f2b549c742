/// The work a pool runs: a pure function of a thread's share, returning its contribution
/// to the job's UInt64 total.
///
/// Fixed when the pool is built, as in the book; each job only brings its target. The pool
/// is generic over it, so calls are specialised and a job allocates nothing.
/// It may throw: that thread's failure then stops the pool (see `PoolError.threadFailed`).
/// It runs on every pool thread at once, hence `Sendable`.
public protocol ShareWork: Sendable {
    func process(_ share: Share) throws -> UInt64
}

/// A closure as work. One indirect call per share; still no allocation per job.
public struct ClosureWork: ShareWork {
    public let body: @Sendable (Share) throws -> UInt64

    public init(_ body: @escaping @Sendable (Share) throws -> UInt64) {
        self.body = body
    }

    @inlinable
    public func process(_ share: Share) throws -> UInt64 { try body(share) }
}
