import Synchronization
import Pool

/// CANARY `no-stop-on-failure`: a failing worker does not raise stop.
///
/// Broken step: `FutexSteps.raiseStopAfterFailure`. When a worker's share throws, or a
/// probe fails it, the worker records its failure, "raises" stop (which does nothing), and
/// exits. (The caller's own failure still stops the pool: it is the caller that would
/// otherwise start the next job on a pool whose tasks are still being claimed.) The caller keeps waiting for a contribution that will never come: the job hangs
/// instead of failing. Shutdown's stop still works, so nothing looks wrong until a thread
/// fails.
///
/// Why the harness must catch it: no data race and no wrong result, just a job that never
/// ends; only the watchdog sees it, and its dump shows the tell-tale: a thread that passed
/// `stopRaised` while the scheduler says it is not stopped (STOP NOT RAISED).
public enum NoStopOnFailure: FutexSteps {
    public static var variantName: String? { Canary.noStopOnFailure.rawValue }

    public static func raiseStopAfterFailure(_ words: FutexWords, thread: Int) {
        // BROKEN: a failing worker's stop is lost (real: `raiseStop(words)` for every thread).
        if thread == 0 { raiseStop(words) }
    }
}
