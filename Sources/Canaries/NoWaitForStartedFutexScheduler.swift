import Pool

/// CANARY: `FutexScheduler` without `waitForStarted`.
///
/// What is broken: `waitForStarted` returns at once instead of spinning until every task of
/// the job is claimed. The task word only counts unclaimed tasks, not whose they are: a
/// fast worker that finishes its share while a slow one has not claimed yet goes back to
/// `waitForTask`, sees a task still pending, and claims it. One worker then contributes
/// twice to the same job, and the slow one finds no task (it claims the next job's task, or
/// the caller's next start finds tasks unclaimed). Results: a doubled contribution, a count
/// that reaches 0 early, an underflow, or a start that trips the "previous job unclaimed"
/// precondition.
///
/// Why the harness must catch it: it needs a slow claimer (noise, oversubscription, a
/// parked worker) and at least two workers; the probe's "each worker claims each job once"
/// check names the thread at its second claim, before any sum goes wrong.
public final class NoWaitForStartedFutexScheduler: FutexCanaryBase, @unchecked Sendable {
    override public class var name: String { "no-wait-for-started" }

    override public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        // BROKEN: returns before every task of the job is claimed (real: spin until the task
        // word is 0 or stopped, as super.waitForStarted does).
    }
}
