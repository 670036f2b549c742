import Glibc

/// A pthread mutex at a stable heap address, used only through `withLock`, that checks the
/// return code of every pthread call it makes.
///
/// For cold paths that may block or allocate while holding the lock (recording a failure,
/// ending a run, attaching a diagnostic view), where a spin lock would be wrong. It is an
/// error-checking mutex: a thread that locks it twice, or unlocks it without holding it,
/// gets an error code from the kernel instead of a silent deadlock or a broken lock, and
/// every error code is a precondition failure whose message names the call and the errno.
///
/// Not `Synchronization.Mutex`: ThreadSanitizer misreports a contended one, because its
/// slow path runs in code TSan does not instrument (docs/PLATFORM.md, "Contended
/// Synchronization.Mutex"). A pthread mutex is intercepted by TSan and understood.
/// Heap-allocated because a `pthread_mutex_t` must not move once initialised, and a Swift
/// stored property has no stable address.
package final class CheckedMutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        var attributes = pthread_mutexattr_t()
        Self.check(pthread_mutexattr_init(&attributes), "pthread_mutexattr_init")
        Self.check(pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK)), "pthread_mutexattr_settype")
        Self.check(pthread_mutex_init(mutex, &attributes), "pthread_mutex_init")
        Self.check(pthread_mutexattr_destroy(&attributes), "pthread_mutexattr_destroy")
    }

    deinit {
        Self.check(pthread_mutex_destroy(mutex), "pthread_mutex_destroy")
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex, and releases it however `body` ends (a `body` that
    /// never returns, such as one that ends the process, keeps it: later callers block).
    package func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        Self.check(pthread_mutex_lock(mutex), "pthread_mutex_lock")
        defer { Self.check(pthread_mutex_unlock(mutex), "pthread_mutex_unlock") }
        return try body()
    }

    private static func check(_ result: Int32, _ call: StaticString) {
        precondition(result == 0, "CheckedMutex: \(call) failed (errno \(result))")
    }
}
