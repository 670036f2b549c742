import Glibc

/// Spins, then yields until the condition holds. Never gives up on its own: use it only for
/// conditions that other threads are bound to make true or that watch the stop signal.
/// Yielding (not burning) in phase 2 keeps an oversubscribed machine moving.
@usableFromInline package enum UnboundedSpinWait: SpinWait {
    @inlinable
    package static func wait(
        policy: SpinPolicy,
        until isReadyCheap: () -> Bool,
        orFull isReadyFull: () -> Bool
    ) -> Bool {
        if let controlled = controlledWait(bounded: false, until: isReadyFull) { return controlled }
        if busyPhase(policy: policy, until: isReadyCheap) { return true }
        while !isReadyFull() { sched_yield() }
        return true
    }
}
