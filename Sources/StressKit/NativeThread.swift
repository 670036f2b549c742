import Glibc

/// A joinable pthread running a closure: the caller threads and the watchdog.
///
/// Not Foundation `Thread` (no join), and not in `main.swift`, whose top-level code is
/// `@MainActor` in Swift 6 and traps on another thread (NOTES §5).
public final class NativeThread {
    private var handle = pthread_t()
    private var joined = false

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread. A failure to create a thread is fatal: the driver
    /// cannot run without its own threads, and saying so is better than a partial run.
    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body))
        let created = pthread_create(&handle, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        precondition(created == 0, "stress: could not create a driver thread (errno \(created))")
    }

    public func join() {
        guard !joined else { return }
        pthread_join(handle, nil)
        joined = true
    }
}

/// Threads of this process, as the kernel lists them in /proc/self/task.
public enum ThreadCensus {
    public static func count() -> Int {
        guard let directory = opendir("/proc/self/task") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }
}
