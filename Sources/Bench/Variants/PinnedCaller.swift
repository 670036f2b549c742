import Pool
import PoolSupport

/// How the bench pins "the caller" of a pinned pool: it runs the measurement on a helper
/// thread that pins itself to the CPU the pool left free, and hands the result back. The
/// main thread's own affinity is never touched, so there is nothing to restore, and the
/// unpinned variants that follow run exactly as before.
enum PinnedCaller {
    /// Runs `body` on a new thread pinned to `cpu` and returns its result (the body is
    /// always a finite batch of jobs, so the join is bounded by it).
    static func run<Result: Sendable>(on cpu: Int, _ body: @escaping @Sendable () -> Result) -> Result {
        let outcome = Outcome<Result>()
        let thread = NamedThread.startOrDie(name: "bench-caller") {
            do {
                try CPUAffinity.pinCurrentThread(to: cpu)
            } catch {
                fatalError("bench: cannot pin the caller: \(error)")
            }
            outcome.value = body()
        }
        thread.join()
        // The join orders the helper's write before this read.
        return outcome.value!
    }
}
