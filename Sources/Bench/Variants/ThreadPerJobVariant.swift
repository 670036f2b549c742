import Pool
import PoolSupport

/// What a Swift user without a pool might write: one new thread per extra share, joined at
/// the end of every job. The caller computes share 0.
final class ThreadPerJobVariant: JobVariant {
    let name: String
    let threadCount: Int
    let kind = VariantKind.threadPerJob

    init(threadCount: Int) {
        self.threadCount = threadCount
        name = "thread/\(threadCount)"
    }

    private func job(target: UInt64) -> UInt64 {
        let threadCount = self.threadCount
        let results = UnsafeMutablePointer<UInt64>.allocate(capacity: threadCount)
        defer { results.deallocate() }
        let slots = SendablePointer(results)
        var threads: [NamedThread] = []
        threads.reserveCapacity(threadCount - 1)
        for thread in 1..<threadCount {
            // Unnamed: what is measured is a plain thread start, as a Swift user writes it.
            threads.append(NamedThread.startOrDie(name: "bench-share-\(thread)", named: false) {
                let share = Share.of(thread: thread, threadCount: threadCount, target: target)
                slots.pointer[thread] = CountingWork.count(to: share.count)
            })
        }
        var total = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
        for thread in threads { thread.join() }
        // The joins order every helper's slot write before these reads.
        for thread in 1..<threadCount { total &+= results[thread] }
        return total
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        timeJobs(variant: name, target: target, warmupJobs: warmupJobs, jobs: jobs) { self.job(target: target) }
    }
}

/// A pointer to per-thread result slots. Each thread writes only its own slot, and the
/// reader reads after a join or a barrier that orders the writes; hence unchecked.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt64>
    init(_ pointer: UnsafeMutablePointer<UInt64>) { self.pointer = pointer }
}
