import Dispatch
import Pool

/// `DispatchQueue.concurrentPerform` with one iteration per share: the stock answer for
/// fork-join on Apple platforms and Linux. Each iteration writes its own padded slot; the
/// caller sums them after concurrentPerform returns (which orders the writes).
final class DispatchVariant: JobVariant {
    let name: String
    let threadCount: Int
    let kind = VariantKind.concurrentPerform
    /// One 64-byte line per slot, so that the iterations do not false-share.
    private static let slotStride = 8
    private let results: UnsafeMutablePointer<UInt64>

    init(threadCount: Int) {
        self.threadCount = threadCount
        name = "dispatch/\(threadCount)"
        results = .allocate(capacity: threadCount * Self.slotStride)
        results.initialize(repeating: 0, count: threadCount * Self.slotStride)
    }

    deinit { results.deallocate() }

    private func job(target: UInt64) -> UInt64 {
        let threadCount = self.threadCount
        let slots = SendablePointer(results)
        DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
            let share = Share.of(thread: thread, threadCount: threadCount, target: target)
            slots.pointer[thread * Self.slotStride] = CountingWork.count(to: share.count)
        }
        var total: UInt64 = 0
        for thread in 0..<threadCount { total &+= results[thread * Self.slotStride] }
        return total
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        timeJobs(variant: name, target: target, warmupJobs: warmupJobs, jobs: jobs) { self.job(target: target) }
    }
}
