import Glibc

/// The threads of this process, as the kernel lists them in `/proc/self/task`.
///
/// Leak checks compare a census taken before with one taken after: the stress driver once
/// every pool is shut down, the tests around a pool's life (inside exit tests, where the
/// process holds nothing but the test body). A joined thread can linger in the listing for
/// a moment after its join, so callers poll, with a bound, until the count settles.
///
/// An unreadable `/proc/self/task` is a precondition failure: a census that silently
/// counted nothing would pass every leak check.
package struct ThreadCensus: Equatable, Sendable, CustomStringConvertible {
    /// The prefix of the pool's worker names (`pool-worker-1`, ...): the pool names its
    /// threads with it, and the census counts them by it. The kernel keeps 15 bytes of a
    /// name, so the prefix must stay well within that.
    package static let poolWorkerPrefix = "pool-worker-"

    /// Every thread of the process.
    package var total: Int
    /// Threads whose name starts with `poolWorkerPrefix`.
    package var poolWorkers: Int

    package init(total: Int, poolWorkers: Int) {
        self.total = total
        self.poolWorkers = poolWorkers
    }

    /// Counts the threads, and the pool workers among them (by name).
    package static func take() -> ThreadCensus {
        var census = ThreadCensus(total: 0, poolWorkers: 0)
        forEachThreadID { id in
            census.total += 1
            if threadName(id: id).hasPrefix(poolWorkerPrefix) { census.poolWorkers += 1 }
        }
        return census
    }

    /// Counts the threads, without reading their names.
    package static func count() -> Int {
        var total = 0
        forEachThreadID { _ in total += 1 }
        return total
    }

    private static func forEachThreadID(_ body: (String) -> Void) {
        guard let directory = opendir("/proc/self/task") else {
            preconditionFailure("ThreadCensus: cannot open /proc/self/task (errno \(errno))")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { body(name) }
        }
    }

    /// The thread's name, or "" if it ended meanwhile.
    private static func threadName(id: String) -> String {
        let descriptor = open("/proc/self/task/\(id)/comm", O_RDONLY)
        if descriptor < 0 { return "" }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = read(descriptor, &bytes, bytes.count)
        return length > 0 ? String(decoding: bytes.prefix(length), as: UTF8.self) : ""
    }

    package var description: String { "\(total) threads (\(poolWorkers) pool workers)" }
}
