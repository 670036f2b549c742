import CPoolSupport
import Glibc

/// The worker threads of one pool: creation (optionally pinned) and bounded joining.
///
/// Plain pthreads, not Foundation `Thread`: we need the handle for `pthread_timedjoin_np`,
/// and affinity. Entry points live here, not in a `main.swift`, whose top-level code is
/// `@MainActor` in Swift 6 and would trap on another thread (NOTES §5).
@usableFromInline
final class WorkerThreads {
    private var handles: [pthread_t] = []
    private var joined: [Bool] = []

    init() {}

    /// Starts worker `thread` running `body`. Pins it to `cpu` if given.
    func spawn(thread: Int, cpu: Int?, body: @escaping @Sendable () -> Void) throws(PoolError) {
        let entry = Unmanaged.passRetained(Entry(body: body, name: "pool-worker-\(thread)"))
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { raw in
            let entry = Unmanaged<Entry>.fromOpaque(raw!).takeRetainedValue()
            entry.run()
            return nil
        }, entry.toOpaque())
        guard created == 0 else {
            entry.release()
            throw .threadCreationFailed(thread: thread, errno: created)
        }
        handles.append(handle)
        joined.append(false)
        if let cpu {
            let pinned = cpool_pin_thread(handle, Int32(cpu))
            if pinned != 0 { throw .pinningFailed(cpu: cpu, errno: pinned) }
        }
    }

    /// Joins every worker not joined yet, each within `timeout`. A worker that does not exit
    /// in time is detached (it keeps its own reference to the shared state) and reported.
    func joinAll(timeoutNanoseconds: UInt64) throws(PoolError) {
        var firstTimeout: PoolError?
        for index in handles.indices where !joined[index] {
            let result = cpool_timed_join(handles[index], Int64(clamping: timeoutNanoseconds))
            if result == 0 {
                joined[index] = true
            } else {
                pthread_detach(handles[index])
                joined[index] = true
                if firstTimeout == nil {
                    firstTimeout = .shutdownTimedOut(thread: index + 1, timeoutNanoseconds: timeoutNanoseconds)
                }
            }
        }
        if let firstTimeout { throw firstTimeout }
    }

    private final class Entry: Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(body: @escaping @Sendable () -> Void, name: String) {
            self.body = body
            self.name = name
        }
        func run() {
            name.withCString { cpool_set_thread_name($0) }
            body()
        }
    }
}
