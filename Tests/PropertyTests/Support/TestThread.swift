import CPoolSupport
import Glibc
import Pool

/// A plain pthread running one closure, joined with a bound (never an unbounded join).
///
/// The tests drive schedulers and reducers with threads of their own, without a pool, so
/// that each building block is checked alone. A thread that misses its deadline is detached
/// and reported, never waited for.
final class TestThread {
    private let handle: pthread_t
    private var settled = false

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let entry = Unmanaged.passRetained(Entry(name: name, body: body))
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { raw in
            Unmanaged<Entry>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, entry.toOpaque())
        precondition(created == 0, "TestThread: pthread_create failed for \(name) (errno \(created))")
        self.handle = handle
    }

    /// Joins the thread if it ends before `deadline`; returns whether it did. A thread that
    /// does not is detached: it keeps what its closure captured alive.
    @discardableResult
    func join(by deadline: Deadline) -> Bool {
        if settled { return true }
        let remaining = Int64(clamping: deadline.nanoseconds) - Int64(clamping: MonotonicClock.nanoseconds())
        if cpool_timed_join(handle, max(remaining, 1_000_000)) == 0 {
            settled = true
            return true
        }
        return false
    }

    /// Gives up on a thread that missed its deadline (after a rescue attempt failed).
    func abandon() {
        guard !settled else { return }
        settled = true
        pthread_detach(handle)
    }

    deinit {
        if !settled { pthread_detach(handle) }
    }

    private final class Entry: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
        func run() {
            name.withCString { cpool_set_thread_name($0) }
            body()
        }
    }
}

extension Array where Element == TestThread {
    /// Joins every thread by `deadline`; returns the indices of those that did not end.
    func joinAll(by deadline: Deadline) -> [Int] {
        indices.filter { !self[$0].join(by: deadline) }
    }
}
