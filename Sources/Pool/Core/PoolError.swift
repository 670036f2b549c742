/// Why a job, or building the pool, failed.
public enum PoolError: Error, CustomStringConvertible {
    /// The pool has stopped (a thread failed earlier, or it is shutting down): it runs no
    /// more jobs. Thrown at once by every job after a failure.
    case stopped
    /// Thread `thread` (0 is the caller) failed during this job with `underlying`: its share
    /// threw, the reducer refused an overflowing sum (`ReductionOverflow`), or a probe
    /// injected a failure (`InjectedFailure`). The pool is stopped afterwards.
    case threadFailed(thread: Int, underlying: any Error)
    /// Misuse: the thread count is outside 1 ... `ThreadPoolLimits.maximumThreads`.
    case invalidThreadCount(requested: Int, maximum: Int)
    /// The kernel refused to create worker thread `thread`.
    case threadCreationFailed(thread: Int, errno: Int32)
    /// The kernel refused to pin a thread to `cpu`.
    case pinningFailed(cpu: Int, errno: Int32)
    /// Shutdown: worker `thread` did not exit within the shutdown timeout (its share is
    /// probably stuck). It was left running, detached.
    case shutdownTimedOut(thread: Int, timeoutNanoseconds: UInt64)

    public var description: String {
        switch self {
        case .stopped:
            "the pool has stopped: a thread failed earlier or the pool is shutting down"
        case .threadFailed(let thread, let underlying):
            "thread \(thread) failed: \(underlying)"
        case .invalidThreadCount(let requested, let maximum):
            "invalid thread count \(requested): a pool needs 1 ... \(maximum) threads"
        case .threadCreationFailed(let thread, let errno):
            "could not create worker thread \(thread) (errno \(errno))"
        case .pinningFailed(let cpu, let errno):
            "could not pin a thread to CPU \(cpu) (errno \(errno))"
        case .shutdownTimedOut(let thread, let timeout):
            "worker \(thread) did not exit within \(timeout / 1_000_000) ms of shutdown"
        }
    }
}

/// Why a protocol step (scheduler or reducer) did not complete.
///
/// Typed, so that the hot path never boxes an error: "stopped" is the common, expected one.
public enum ProtocolInterruption: Error, Equatable, Sendable {
    /// The stop signal was seen. Not a failure of this thread.
    case stopped
    /// A probe injected a failure here.
    case injected(InjectedFailure)
    /// The reducer refused a sum that would overflow UInt64.
    case overflow(ReductionOverflow)
}

/// The job's total would not fit in a UInt64. Never a silent wrap.
public struct ReductionOverflow: Error, Hashable, Sendable, CustomStringConvertible {
    public var partialSum: UInt64
    public var contribution: UInt64
    public init(partialSum: UInt64, contribution: UInt64) {
        self.partialSum = partialSum
        self.contribution = contribution
    }
    public var description: String { "sum overflow: \(partialSum) + \(contribution) exceeds UInt64.max" }

    /// `partialSum + contribution`, or `.overflow`: what every reducer's `add` step does.
    @inlinable
    public static func checkedSum(_ partialSum: UInt64, _ contribution: UInt64) throws(ProtocolInterruption) -> UInt64 {
        let (sum, overflow) = partialSum.addingReportingOverflow(contribution)
        if overflow { throw .overflow(ReductionOverflow(partialSum: partialSum, contribution: contribution)) }
        return sum
    }
}
