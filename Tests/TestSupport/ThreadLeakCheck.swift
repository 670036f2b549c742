import Glibc
import PoolSupport

extension ThreadCensus {
    /// Polls until the census is back to `baseline` (no more threads, no pool workers), or
    /// the deadline passes: a joined thread can linger in /proc for a moment after its join.
    package static func settle(to baseline: ThreadCensus, by deadline: Deadline) -> ThreadCensus {
        var census = take()
        while census.total > baseline.total || census.poolWorkers > baseline.poolWorkers {
            if deadline.hasPassed { return census }
            sched_yield()
            census = take()
        }
        return census
    }
}

/// The thread-leak detector: threads alive after `scenario` beyond the census before it.
///
/// Run it inside an exit test, where the process holds nothing but the test body, so that
/// other tests' threads cannot blur the count.
package func checkNoThreadLeak(settleSeconds: Double = 5, _ scenario: () -> CheckVerdict) -> CheckVerdict {
    let before = ThreadCensus.take()
    var verdict = scenario()
    let after = ThreadCensus.settle(to: before, by: Deadline(seconds: settleSeconds))
    verdict.check(after.total <= before.total && after.poolWorkers <= before.poolWorkers, .threadLeak,
                  "before: \(before); after: \(after)")
    return verdict
}
