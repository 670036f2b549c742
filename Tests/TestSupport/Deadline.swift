import Glibc
import Pool

/// A point in monotonic time that every wait in the tests is bounded by.
///
/// Budgets are scaled up under ThreadSanitizer, which runs this code 5-50x slower
/// (docs/PLATFORM.md, "Slowdown"), so the same test keeps its meaning in both builds.
package struct Deadline: Sendable {
    package let nanoseconds: UInt64

    /// `seconds` from now, multiplied by `TestTiming.slowdown`.
    package init(seconds: Double) {
        let budget = UInt64(seconds * Double(TestTiming.slowdown) * 1e9)
        nanoseconds = MonotonicClock.nanoseconds() &+ budget
    }

    package var hasPassed: Bool { MonotonicClock.nanoseconds() >= nanoseconds }

    /// Polls `condition` (spin briefly, then yield the CPU) until it holds or the deadline
    /// passes. Returns whether it held. Yielding matters: on 2 cores the thread that must
    /// make the condition true may need this CPU.
    package func wait(until condition: () -> Bool) -> Bool {
        var polls = 0
        while !condition() {
            if hasPassed { return condition() }
            polls &+= 1
            if polls > 64 { sched_yield() }
        }
        return true
    }
}

/// How much slower than a plain debug build this process runs.
package enum TestTiming {
    /// 10 under ThreadSanitizer (its runtime exports `__tsan_init`), 1 otherwise.
    package static let slowdown: Int = isThreadSanitizerActive ? 10 : 1

    /// One wall-clock second in any build: the budget of a wait that a broken variant is
    /// bound to miss, where scaling it for TSan would only slow the test down.
    package static var oneRealSecond: Double { 1 / Double(slowdown) }

    package static let isThreadSanitizerActive: Bool = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil
}
