import PoolSupport

/// The worker threads of one pool: creation (optionally pinned) and bounded joining.
///
/// Each worker is a `NamedThread` (named `pool-worker-N`, which the leak checks count):
/// we need its handle for the timed join and for pinning.
///
/// Package access: the shutdown step (`ShutdownSteps`) receives it, and a canary's step may
/// be written outside this module.
@usableFromInline
package final class WorkerThreads {
    private var threads: [NamedThread] = []

    package init() {}

    /// Starts worker `thread` running `body`. Pins it to `cpu` if given. A worker whose
    /// pinning fails still runs, and is joined by `joinAll` like the others.
    package func spawn(thread: Int, cpu: Int?, body: @escaping @Sendable () -> Void) throws(PoolError) {
        let worker: NamedThread
        let name = ThreadCensus.poolWorkerPrefix + "\(thread)"
        // The ledger (off but in the stress driver) counts the worker until its body returns.
        let ledgerKey = PageLedger.threadStarted(name)
        let counted: @Sendable () -> Void = {
            body()
            PageLedger.threadEnded(ledgerKey)
        }
        var entry = counted
        #if Exploration
        // The creating thread's controller learns each worker's pool index, and runs it only
        // when it chooses.
        let controller = Exploration.activeController
        if let controller {
            controller.workerWillSpawn(thread: thread)
            entry = {
                controller.workerDidStart(thread: thread)
                counted()
                controller.workerWillExit(thread: thread)
            }
        }
        #endif
        do {
            worker = try NamedThread(name: name, entry)
        } catch {
            PageLedger.threadEnded(ledgerKey)
            throw .threadCreationFailed(thread: thread, errno: error.errno)
        }
        threads.append(worker)
        #if Exploration
        controller?.workerDidSpawn(thread: thread)
        #endif
        if let cpu {
            do {
                try worker.pin(toCPU: cpu)
            } catch {
                throw .pinningFailed(cpu: cpu, errno: error.errno)
            }
        }
    }

    /// Joins every worker not joined yet, each within `timeout`. A worker that does not exit
    /// in time is detached (it keeps its own reference to the shared state) and reported.
    package func joinAll(timeoutNanoseconds: UInt64) throws(PoolError) {
        var firstTimeout: PoolError?
        for (index, worker) in threads.enumerated() where worker.state == .running {
            #if Exploration
            // A join is a wait inside the controller: the worker needs the controller's turns
            // to reach its exit, so the real join below must not block first.
            Exploration.activeController?.willJoin(worker: index + 1)
            #endif
            if !worker.join(timeoutNanoseconds: timeoutNanoseconds) {
                worker.detach()
                if firstTimeout == nil {
                    firstTimeout = .shutdownTimedOut(thread: index + 1, timeoutNanoseconds: timeoutNanoseconds)
                }
            }
        }
        if let firstTimeout { throw firstTimeout }
    }

    /// Workers neither joined nor detached yet: 0 after a shutdown that settled them all
    /// (what the shutdown step's fidelity test observes).
    package var unsettledCount: Int { threads.filter { $0.state == .running }.count }
}
