import CPoolSupport
import Glibc
import Pool
import PoolSupport
import Synchronization

/// Ends the process, with a message naming the test, if a body runs past its budget.
///
/// `.timeLimit` cannot end a synchronous hang (docs/PLATFORM.md, "Time limits and hangs"),
/// and an in-process test cannot be cancelled, so a hang must end the whole run, loudly,
/// instead of stalling CI. The watch thread sleeps in a futex with a timeout: no polling,
/// no CPU while the body runs. (Not the stress driver's `Watchdog`, which diagnoses
/// stalled pools.)
package final class HangWatchdog: @unchecked Sendable {
    private let finished = PaddedAtomic<UInt32>(0)
    private var thread: NamedThread?

    package init(seconds: Double, what: String, diagnostics: @escaping @Sendable () -> String) {
        let deadline = Deadline(seconds: seconds)
        let finished = self.finished
        thread = NamedThread.startOrDie(name: "test-watchdog") {
            var error: Int32 = 0
            // acquire: pairs with disarm's releasing store (nothing is read after it, but
            // it keeps the watch honest under TSan).
            while finished.pointer.pointee.load(ordering: .acquiring) == 0 {
                let now = MonotonicClock.nanoseconds()
                if now >= deadline.nanoseconds {
                    StandardError.write("WATCHDOG: '\(what)' still running after \(seconds * Double(TestTiming.slowdown)) s; state: \(diagnostics())\n")
                    abort()
                }
                _ = cpool_futex_wait_timeout(finished.address.assumingMemoryBound(to: UInt32.self), 0,
                                             Int64(deadline.nanoseconds - now), &error)
            }
        }
    }

    /// The body ended: stop watching and join the watch thread.
    package func disarm() {
        // release: pairs with the watch thread's acquiring load.
        finished.pointer.pointee.store(1, ordering: .releasing)
        _ = cpool_futex_wake(finished.address.assumingMemoryBound(to: UInt32.self), 1)
        if thread?.join(by: Deadline(seconds: 10)) == false {
            StandardError.write("WATCHDOG: the watch thread did not exit\n")
            abort()
        }
        thread = nil
    }

    deinit {
        finished.deallocate()
    }
}

/// Runs `body` under a `HangWatchdog` that aborts the process if it takes longer than
/// `seconds` (scaled under TSan). For in-process tests; exit tests use `HangGuard` instead.
package func withWatchdog<Result>(
    seconds: Double, _ what: String,
    diagnostics: @escaping @Sendable () -> String = { "no diagnostics" },
    _ body: () throws -> Result
) rethrows -> Result {
    let watchdog = HangWatchdog(seconds: seconds, what: what, diagnostics: diagnostics)
    defer { watchdog.disarm() }
    return try body()
}
