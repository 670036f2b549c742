import Glibc

/// The threads of this process, as `/proc/self/task` lists them.
///
/// Leak checks compare a census before and after. They run inside exit tests, where the
/// process holds nothing but the test body, so other tests' threads cannot blur the count.
struct ThreadCensus: Equatable, CustomStringConvertible {
    /// Every entry of /proc/self/task.
    var total: Int
    /// Entries named `pool-worker-*` (the pool names its threads so).
    var poolWorkers: Int

    static func take() -> ThreadCensus {
        var census = ThreadCensus(total: 0, poolWorkers: 0)
        guard let directory = opendir("/proc/self/task") else {
            preconditionFailure("ThreadCensus: cannot open /proc/self/task (errno \(errno))")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            census.total += 1
            if threadName(tid: name).hasPrefix("pool-worker") { census.poolWorkers += 1 }
        }
        return census
    }

    private static func threadName(tid: String) -> String {
        let descriptor = open("/proc/self/task/\(tid)/comm", O_RDONLY)
        if descriptor < 0 { return "" }  // the thread ended meanwhile
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = read(descriptor, &bytes, bytes.count)
        return length > 0 ? String(decoding: bytes.prefix(length), as: UTF8.self) : ""
    }

    /// Polls until the census is back to `baseline` (no more threads, no pool workers), or
    /// the deadline passes: a joined thread can linger in /proc for a moment after its join.
    static func settle(to baseline: ThreadCensus, by deadline: Deadline) -> ThreadCensus {
        var census = take()
        while census.total > baseline.total || census.poolWorkers > baseline.poolWorkers {
            if deadline.hasPassed { return census }
            sched_yield()
            census = take()
        }
        return census
    }

    var description: String { "\(total) threads (\(poolWorkers) pool workers)" }
}

/// The thread-leak detector: threads alive after `scenario` beyond the census before it.
func checkNoThreadLeak(settleSeconds: Double = 5, _ scenario: () -> Verdict) -> Verdict {
    let before = ThreadCensus.take()
    var verdict = scenario()
    let after = ThreadCensus.settle(to: before, by: Deadline(seconds: settleSeconds))
    verdict.check(after.total <= before.total && after.poolWorkers <= before.poolWorkers, .threadLeak,
                  "before: \(before); after: \(after)")
    return verdict
}
