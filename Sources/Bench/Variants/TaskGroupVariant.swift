import Dispatch
import Pool

/// Swift concurrency's fork-join: `withTaskGroup` with one child task per share.
///
/// The whole batch runs inside one detached task and is timed there, so the sync-to-async
/// bridge (a task plus a semaphore) is paid once per batch, not once per job.
final class TaskGroupVariant: JobVariant {
    let name: String
    let threadCount: Int
    let kind = VariantKind.taskGroup

    init(threadCount: Int) {
        self.threadCount = threadCount
        name = "taskgroup/\(threadCount)"
    }

    private static func job(target: UInt64, threadCount: Int) async -> UInt64 {
        await withTaskGroup(of: UInt64.self) { group in
            for thread in 0..<threadCount {
                group.addTask {
                    CountingWork.count(to: Share.of(thread: thread, threadCount: threadCount, target: target).count)
                }
            }
            var total: UInt64 = 0
            for await contribution in group { total &+= contribution }
            return total
        }
    }

    /// Warm-up jobs, then timed jobs, all inside one task: (elapsed, warm-up total, total).
    private static func batch(target: UInt64, threadCount: Int, warmupJobs: Int, jobs: Int) async -> BatchOutcome {
        var warmupTotal: UInt64 = 0
        for _ in 0..<warmupJobs { warmupTotal &+= await job(target: target, threadCount: threadCount) }
        var total: UInt64 = 0
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<jobs { total &+= await job(target: target, threadCount: threadCount) }
        let elapsed = MonotonicClock.nanoseconds() &- start
        return BatchOutcome(elapsed: elapsed, warmupTotal: warmupTotal, total: total)
    }

    struct BatchOutcome: Sendable {
        var elapsed: UInt64
        var warmupTotal: UInt64
        var total: UInt64
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        let threadCount = self.threadCount
        let outcome = Outcome<BatchOutcome>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            outcome.value = await TaskGroupVariant.batch(target: target, threadCount: threadCount, warmupJobs: warmupJobs, jobs: jobs)
            done.signal()
        }
        // Bounded: the task runs a finite batch; the semaphore orders its write before the read.
        done.wait()
        let result = outcome.value!
        checkTotal(result.warmupTotal, jobs: warmupJobs, target: target, variant: name)
        checkTotal(result.total, jobs: jobs, target: target, variant: name)
        return result.elapsed
    }
}
