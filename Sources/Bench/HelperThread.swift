import CPoolSupport
import Glibc
import Pool

/// A plain pthread that runs one closure; `join` waits for it (bounded by the closure,
/// which is always a finite batch of jobs).
///
/// Not in main.swift: top-level code there is `@MainActor`, and a thread entry closure
/// written there traps on the new thread (NOTES §5).
struct HelperThread {
    private let handle: pthread_t

    /// Starts `body` on a new thread. Fails the bench if the kernel refuses a thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        if created != 0 {
            box.release()
            fatalError("bench: pthread_create failed (errno \(created))")
        }
        self.handle = handle
    }

    func join() {
        pthread_join(handle, nil)
    }

    /// Runs `body` on a new thread pinned to `cpu` and returns its result. This is how the
    /// bench pins "the caller" of a pinned pool: the main thread's own affinity is never
    /// touched, so there is nothing to restore, and the unpinned variants that follow run
    /// exactly as before.
    static func runPinned<Result: Sendable>(to cpu: Int, _ body: @escaping @Sendable () -> Result) -> Result {
        let outcome = Outcome<Result>()
        let thread = HelperThread {
            do {
                try CPUAffinity.pinCurrentThread(to: cpu)
            } catch {
                fatalError("bench: cannot pin the caller: \(error)")
            }
            outcome.value = body()
        }
        thread.join()
        // pthread_join orders the helper's write before this read.
        return outcome.value!
    }

    private final class Body {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        func run() { body() }
    }
}

/// A result handed from one thread to another through a join or a semaphore, which order
/// the write before the read; hence unchecked.
final class Outcome<Value>: @unchecked Sendable {
    var value: Value?
}
