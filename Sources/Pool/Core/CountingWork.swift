import CPoolSupport

/// The standard job: count to the share's size, one increment at a time.
///
/// The counter goes through `cpool_opaque`, an empty asm statement, so the optimiser can
/// neither fold the loop into one addition nor vectorise it: the time is linear in the count
/// (about 0.2 ns per increment here), which the bench checks.
@frozen
public struct CountingWork: ShareWork {
    @inlinable
    public init() {}

    @inlinable
    public func process(_ share: Share) -> UInt64 {
        Self.count(to: share.count)
    }

    @inlinable
    public static func count(to target: UInt64) -> UInt64 {
        var counter: UInt64 = 0
        while counter < target {
            counter = cpool_opaque(counter &+ 1)
        }
        return counter
    }
}
