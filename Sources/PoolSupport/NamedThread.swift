import CPoolSupport
import Glibc

/// A joinable pthread that runs one closure under a name: the package's only thread wrapper
/// (the pool's workers, the stress driver's callers and watchdog, the bench's helpers, the
/// tests' threads).
///
/// Contract:
/// - **States** (`State`): `running` until the owner settles it exactly once, by `join()`,
///   by a timed join that succeeds, or by `detach()`; then `joined` or `detached`. Settling
///   twice is a precondition failure, never a second call on a stale handle. A thread never
///   settled is detached by `deinit`, so its kernel resources are freed when it ends.
/// - **Errors.** The kernel refusing a thread is `NamedThread.Failure.creationFailed`, a
///   typed error that the pool turns into `PoolError.threadCreationFailed`; refusing a pin
///   is `.pinningFailed`. Any other failing pthread call is a bug of ours, reported by a
///   precondition that names the call and its errno.
/// - **Timed join.** `join(timeoutNanoseconds:)` returns `false` if the thread has not ended
///   in time and leaves it running and joinable: the owner can try to rescue it and join
///   again, or give up with `detach()` (the thread then keeps whatever its closure captured
///   alive, so nothing is freed under it).
/// - **One owner.** Not Sendable: the thread that created it settles it.
///
/// Plain pthreads rather than Foundation `Thread`: we need the handle for a timed join and
/// for pinning, and Foundation's thread has neither. The entry point lives here, not in a
/// `main.swift`, whose top-level code is `@MainActor` in Swift 6: a closure written there
/// traps when it runs on another thread (docs/PLATFORM.md, "main.swift is @MainActor").
package final class NamedThread {
    /// Where the thread is in its life, as its owner sees it.
    package enum State: Sendable, Equatable {
        /// Created, not joined or detached yet (it may have finished its closure already).
        case running
        /// Joined: the thread has ended and its resources are freed.
        case joined
        /// Detached: the thread runs (or ran) on, unowned.
        case detached
    }

    /// Why a thread could not be created or pinned.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        /// `pthread_create` refused thread `name` with `errno` (EAGAIN: a thread limit).
        case creationFailed(name: String, errno: Int32)
        /// Pinning to `cpu` failed with `errno` (EINVAL: the CPU is not allowed).
        case pinningFailed(cpu: Int, errno: Int32)

        /// The error code the kernel returned.
        package var errno: Int32 {
            switch self {
            case .creationFailed(_, let errno), .pinningFailed(_, let errno): errno
            }
        }

        package var description: String {
            switch self {
            case .creationFailed(let name, let errno): "could not create thread '\(name)' (errno \(errno))"
            case .pinningFailed(let cpu, let errno): "could not pin a thread to CPU \(cpu) (errno \(errno))"
            }
        }
    }

    package let name: String
    package private(set) var state = State.running
    private let handle: pthread_t

    /// Starts `body` on a new thread that first names itself `name` (the kernel keeps 15
    /// bytes of it). Throws `.creationFailed` if the kernel refuses.
    ///
    /// `named: false` leaves the kernel's default name (the process's): for a thread whose
    /// start-up is itself what is measured (the bench's thread-per-job variant), where
    /// naming would add a system call a plain Swift user would not make.
    package init(name: String, named: Bool = true, _ body: @escaping @Sendable () -> Void) throws(Failure) {
        self.name = name
        let entry = Unmanaged.passRetained(Entry(name: named ? name : nil, body: body))
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { raw in
            Unmanaged<Entry>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, entry.toOpaque())
        guard created == 0 else {
            entry.release()
            throw .creationFailed(name: name, errno: created)
        }
        self.handle = handle
    }

    /// For tools that cannot do their job without this thread (the stress driver's own
    /// threads, the bench's helpers, the tests' threads): starts it, or stops the process
    /// with a message naming the thread and the errno.
    package static func startOrDie(name: String, named: Bool = true, _ body: @escaping @Sendable () -> Void) -> NamedThread {
        do {
            return try NamedThread(name: name, named: named, body)
        } catch {
            preconditionFailure("NamedThread: \(error)")
        }
    }

    /// Pins the thread to the single CPU `cpu`. Throws `.pinningFailed`; the thread then
    /// runs on unpinned, still owned (join or detach it as usual).
    package func pin(toCPU cpu: Int) throws(Failure) {
        precondition(state == .running, "NamedThread.pin: thread '\(name)' is already \(state)")
        let pinned = cpool_pin_thread(handle, Int32(clamping: cpu))
        if pinned != 0 { throw .pinningFailed(cpu: cpu, errno: pinned) }
    }

    /// Waits, without a bound, until the thread ends. For threads whose closure is bound to
    /// end (a finite batch of jobs, a loop that watches a flag the owner has set).
    package func join() {
        precondition(state == .running, "NamedThread.join: thread '\(name)' is already \(state)")
        let result = pthread_join(handle, nil)
        precondition(result == 0, "NamedThread.join: pthread_join failed for '\(name)' (errno \(result))")
        state = .joined
    }

    /// Waits at most `timeoutNanoseconds` for the thread to end. Returns `true` if it ended
    /// and was joined, `false` if it still runs (it stays `running`: join it again, or
    /// `detach()` it).
    package func join(timeoutNanoseconds: UInt64) -> Bool {
        precondition(state == .running, "NamedThread.join: thread '\(name)' is already \(state)")
        let result = cpool_timed_join(handle, Int64(clamping: timeoutNanoseconds))
        switch result {
        case 0:
            state = .joined
            return true
        case ETIMEDOUT:
            return false
        default:
            preconditionFailure("NamedThread.join: pthread_timedjoin_np failed for '\(name)' (errno \(result))")
        }
    }

    /// Gives the thread up: it runs on unowned and frees its own resources when it ends.
    /// The usual end of a thread that missed its join deadline.
    package func detach() {
        precondition(state == .running, "NamedThread.detach: thread '\(name)' is already \(state)")
        let result = pthread_detach(handle)
        precondition(result == 0, "NamedThread.detach: pthread_detach failed for '\(name)' (errno \(result))")
        state = .detached
    }

    deinit {
        if state == .running { detach() }
    }

    /// What the new thread runs: handed over with a +1 retain that the thread takes back.
    private final class Entry: Sendable {
        let name: String?
        let body: @Sendable () -> Void

        init(name: String?, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }

        func run() {
            name?.withCString { cpool_set_thread_name($0) }
            body()
        }
    }
}
