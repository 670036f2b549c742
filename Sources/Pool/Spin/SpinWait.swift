import CPoolSupport
import Glibc

/// A strategy for busy-waiting on a condition, following a `SpinPolicy`.
///
/// `isReadyCheap` is polled in phase 1 (it should be one relaxed load);
/// `isReadyFull` is checked once per phase-2 round (it may look at more, e.g. "done or
/// stopped"). Either returning true ends the wait with `true`. A wait that gives up
/// returns `false`, and its caller must then block by other means (a futex).
///
/// Implementations are side by side so that a better one, or a broken one, drops in.
public protocol SpinWait {
    static func wait(
        policy: SpinPolicy,
        until isReadyCheap: () -> Bool,
        orFull isReadyFull: () -> Bool
    ) -> Bool
}

extension SpinWait {
    /// Phase 1, shared by both waits: returns true as soon as the cheap check passes.
    @inlinable @inline(__always)
    static func busyPhase(policy: SpinPolicy, until isReadyCheap: () -> Bool) -> Bool {
        var pauses = 1
        var check = 0
        while check < policy.busyChecks {
            if isReadyCheap() { return true }
            for _ in 0..<pauses { cpool_cpu_relax() }
            if pauses < policy.backoffCap { pauses = min(pauses &* 2, policy.backoffCap) }
            check &+= 1
        }
        return false
    }
}
