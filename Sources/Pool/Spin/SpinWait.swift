import CPoolSupport
import Glibc

/// A strategy for busy-waiting on a condition, following a `SpinPolicy`.
///
/// `isReadyCheap` is polled in phase 1 (it should be one relaxed load);
/// `isReadyFull` is checked once per phase-2 round (it may look at more, e.g. "done or
/// stopped"), and must be true whenever `isReadyCheap` is. Either returning true ends the
/// wait with `true`. A wait that gives up returns `false`, and its caller must then block by
/// other means (a futex).
///
/// Implementations are side by side so that a better one, or a broken one, drops in.
@usableFromInline package protocol SpinWait {
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

    /// In an exploration build, on a thread the controller schedules: the wait as a sequence
    /// of full checks, each failed one handed to the controller, which runs the thread again
    /// only once something it read has changed (or it demotes the spin). A bounded wait gives
    /// up when the controller says so; that choice is how exploration reaches the park path.
    /// nil on any other thread, or in any other build: spin for real.
    @inlinable @inline(__always)
    static func controlledWait(bounded: Bool, until isReadyFull: () -> Bool) -> Bool? {
        #if Exploration
        guard let controller = Exploration.activeController else { return nil }
        while true {
            controller.spinCheckWillBegin()
            if isReadyFull() { return true }
            if !controller.spinCheckFailed(bounded: bounded) { return false }
        }
        #else
        return nil
        #endif
    }
}
