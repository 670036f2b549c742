import Glibc

/// Spins, then yields, then gives up after the policy's yield phase: the caller parks next.
/// Workers waiting for a task use this, so an idle pool stops using CPU.
@usableFromInline package enum BoundedSpinWait: SpinWait {
    @inlinable
    package static func wait(
        policy: SpinPolicy,
        until isReadyCheap: () -> Bool,
        orFull isReadyFull: () -> Bool
    ) -> Bool {
        if let controlled = controlledWait(bounded: true, until: isReadyFull) { return controlled }
        if busyPhase(policy: policy, until: isReadyCheap) { return true }
        if isReadyFull() { return true }
        if policy.yieldPhaseNanoseconds == 0 { return false }
        let deadline = MonotonicClock.nanoseconds() &+ policy.yieldPhaseNanoseconds
        while true {
            sched_yield()
            if isReadyFull() { return true }
            if MonotonicClock.nanoseconds() >= deadline { return false }
        }
    }
}
