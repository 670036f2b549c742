import Glibc

/// The first failure of a pool: which thread, and why. Later failures are dropped.
///
/// Written by the failing thread before it raises stop; read by the caller after it sees
/// stop. A pthread mutex orders the two (it is the cold path). Not a spin lock, because
/// storing an error may allocate, and allocation can block. Not `Synchronization.Mutex`,
/// which ThreadSanitizer misreads when contended (NOTES §5).
public final class FailureRecord: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var first: (thread: Int, error: any Error)?

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Records the failure unless one is already recorded. Returns whether this one was first.
    @discardableResult
    public func record(thread: Int, error: any Error) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if first != nil { return false }
        first = (thread, error)
        return true
    }

    public var failure: (thread: Int, error: any Error)? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return first
    }
}
