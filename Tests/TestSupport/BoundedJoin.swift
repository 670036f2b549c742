import Pool
import PoolSupport

/// Bounded joins for the tests' own threads (`NamedThread`s that drive schedulers and
/// reducers without a pool, and the hang watchdog's thread): never an unbounded join. A
/// thread that misses its deadline is reported by the caller and then given up with
/// `detach()` (it keeps what its closure captured alive), never waited for.
extension NamedThread {
    /// Joins the thread if it ends before `deadline` (at least 1 ms from now); returns
    /// whether it is joined. A thread already joined returns true at once.
    @discardableResult
    package func join(by deadline: Deadline) -> Bool {
        switch state {
        case .joined: return true
        case .detached: return false
        case .running:
            let remaining = Int64(clamping: deadline.nanoseconds) - Int64(clamping: MonotonicClock.nanoseconds())
            return join(timeoutNanoseconds: UInt64(max(remaining, 1_000_000)))
        }
    }
}

extension Array where Element == NamedThread {
    /// Joins every thread by `deadline`; returns the indices of those that did not end.
    package func joinAll(by deadline: Deadline) -> [Int] {
        indices.filter { !self[$0].join(by: deadline) }
    }
}
