#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// `ScheduleRun`'s model of the kernel's futex: a wait first compares, as the kernel does after
/// a full barrier (a seq_cst load under the weak model), then blocks the thread until a wake
/// (or a spurious wake-up the schedule chooses) makes it runnable; a wake synchronizes.
extension ScheduleRun {
    func futexWait(_ word: ExplorationWord, expected: UInt32, currentValue: () -> UInt32) -> FutexWaitOutcome {
        let thread = me
        schedulingPoint(thread, .futexWait(word.address, expected))
        var value = currentValue()
        var stale = ""
        if model.isWeak {
            // The kernel's compare: a full barrier, then a read (a seq_cst fence and load).
            model.sequentialFence(thread)
            let (read, newer) = modelLoad(thread, word.address, current: UInt64(value), ordering: .sequentiallyConsistent)
            value = UInt32(truncatingIfNeeded: read.value)
            if let newer { stale = " (a stale read: the store of step \(newer.step) (\(newer.value)) was newer)" }
        }
        if value != expected {
            record(thread, "futex-wait", word.label, "expected \(expected), the word is \(value)\(stale): returns at once")
            return .valueDiffered
        }
        threads[thread].status = .futexBlocked
        threads[thread].futexWord = word.address
        threads[thread].futexExpected = expected
        threads[thread].wokenSpuriously = false
        record(thread, "futex-wait", word.label, "expected \(expected), the word is \(value)\(stale): sleeps")
        block(thread)
        let spurious = threads[thread].wokenSpuriously
        threads[thread].status = .ready
        record(thread, "futex-return", word.label, spurious ? "woken spuriously (the controller's choice)" : "woken")
        return .woken
    }

    func futexWake(_ word: ExplorationWord, count: Int32) -> Int32 {
        let thread = me
        schedulingPoint(thread, .futexWake(word.address))
        // The kernel's wake takes a full barrier before it looks for waiters: a waiter it
        // does not find yet will compare after it, and must see what the waker wrote.
        model.sequentialFence(thread)
        var woken: Int32 = 0
        for other in 0..<Self.maximumThreads where woken < count && threads[other].status == .futexBlocked
            && threads[other].futexWord == word.address {
            threads[other].status = .woken
            threads[other].wokenSpuriously = false
            // The wake happens before the wait's return (the kernel's bucket lock).
            model.synchronize(other, with: thread)
            woken += 1
        }
        record(thread, "futex-wake", word.label, "woke \(woken)")
        return woken
    }

}
#endif
