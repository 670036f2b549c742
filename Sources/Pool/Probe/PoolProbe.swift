/// Instrumentation called at each `ProbePoint` on the protocol's path.
///
/// Contract:
/// - `reach` is called on the thread that passes the point, with that thread's pool index
///   (0 is the caller). It may be called from every pool thread at once.
/// - It may delay (spin, yield, sleep) for as long as it likes: the protocol must stay
///   correct, only slower. Delays are how the stress driver explores interleavings.
/// - It may throw an `InjectedFailure` at any point except `stopRaised` (where the thread is
///   already failing and a throw is ignored). The pool then behaves exactly as when a share
///   throws: locks released, stop raised, the job fails naming the thread.
/// - At `beforePark`, throwing means the thread never parks.
///
/// The pool is generic over its probe, so the calls are specialised: with `NoProbe`, whose
/// `reach` is empty and cannot throw, they compile to nothing (see `bench --probe-cost`).
public protocol PoolProbe: Sendable {
    func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure)
}

/// The default probe: does nothing, costs nothing.
@frozen
public struct NoProbe: PoolProbe {
    @inlinable
    public init() {}

    @inlinable @inline(__always)
    public func reach(_ point: ProbePoint, thread: Int, value: UInt64) {}
}

extension PoolProbe {
    /// `reach`, with an injected failure wrapped as the building blocks' error type.
    @inlinable @inline(__always)
    public func pass(_ point: ProbePoint, thread: Int, value: UInt64 = 0) throws(ProtocolInterruption) {
        do { try reach(point, thread: thread, value: value) } catch { throw .injected(error) }
    }
}
