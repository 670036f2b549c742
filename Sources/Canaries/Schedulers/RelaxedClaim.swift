import Synchronization
import Pool

/// CANARY `relaxed-claim` (ThreadSanitizer only): the claim's fetch-sub does not acquire.
///
/// Broken step: `FutexSteps.claim`. The claim is what pairs with the caller's releasing
/// compare-exchange in `start`: after it, a worker sees the target and everything the caller
/// wrote before `start` (the reducer's reset, the job's witness data). Relaxed, nothing
/// orders those writes before the worker's reads. On x86-64 the locked RMW is a full barrier
/// in hardware, so results stay right and no oracle can see it; only ThreadSanitizer, which
/// follows the language's memory model, reports the caller's writes racing with the worker's
/// reads. `scripts/tsan.sh` checks that it does. Exploration cannot see it either: it
/// explores sequentially consistent interleavings.
public enum RelaxedClaim: FutexSteps {
    public static var variantName: String? { Canary.relaxedClaim.rawValue }

    public static func claim<Probe: PoolProbe>(
        _ words: FutexWords, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        // BROKEN (relaxed, needs acquire): should pair with publishJob's compare-exchange.
        let previous = words.task.word.wrappingSubtract(1, ordering: .relaxed)
        if previous >= FutexWords.stopThreshold { throw .stopped }
        precondition(previous != 0, "relaxed-claim: thread \(thread) claimed a task when none was pending")
        // relaxed: meant to be ordered by the claim above, which no longer acquires.
        let claimedTarget = words.target.load(ordering: .relaxed)
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }
}
