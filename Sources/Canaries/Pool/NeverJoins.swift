import Pool

/// CANARY `never-joins`: a pool whose shutdown raises stop but never joins its workers.
///
/// Broken step: `ShutdownSteps.settleWorkers`, which keeps the worker handles forever instead
/// of joining them. The workers see stop and end, so they vanish from `/proc/self/task` and
/// every thread census passes; but a thread that is neither joined nor detached keeps its
/// stack mapped (glibc frees it only at the join), so every pool the process creates and
/// destroys leaves its workers' stacks behind: address space and memory mappings grow
/// without bound.
///
/// Why the harness must catch it: nothing is wrong while a pool lives, results stay right and
/// no thread is left running; only the process's footprint across pool churn shows it. The
/// stress driver bounds threads, address space, resident memory and mappings while pools
/// come and go (`ResourceBudget`), and a test churns pools against the same bound.
public enum NeverJoins: ShutdownSteps {
    package static var variantName: String? { Canary.neverJoins.rawValue }

    package static func settleWorkers(_ workers: WorkerThreads, timeoutNanoseconds: UInt64) throws(PoolError) {
        // BROKEN: no join (real: `workers.joinAll(timeoutNanoseconds:)`). The handles are
        // retained forever, so the workers are not detached by their deinit either.
        _ = Unmanaged.passRetained(workers)
    }
}
