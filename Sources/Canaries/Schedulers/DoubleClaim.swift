import Synchronization
import Pool

/// CANARY `double-claim`: the futex scheduler without `waitForStarted`.
///
/// Broken step: `FutexSteps.awaitAllClaimed`, which returns at once instead of waiting until
/// every task of the job is claimed. The task word only counts unclaimed tasks, not whose
/// they are: a fast worker that finishes its share while a slow one has not claimed yet goes
/// back to `waitForTask`, sees a task still pending, and claims it. One worker then
/// contributes twice to the same job, and the slow one finds no task (it claims the next
/// job's task, or the task word underflows, which the real claim's precondition traps).
///
/// Why the harness must catch it: it needs a slow claimer and at least two workers; the
/// probe's "each worker claims each job once" check names the thread at its second claim.
public enum DoubleClaim: FutexSteps {
    public static var variantName: String? { Canary.doubleClaim.rawValue }

    public static func awaitAllClaimed(_ words: FutexWords) throws(ProtocolInterruption) {
        // BROKEN: returns before every task of the job is claimed (real: spin until the task
        // word is 0 or stopped).
    }
}
