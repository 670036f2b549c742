import Pool
import PoolSupport
import TestSupport

/// Scenarios for the thread-leak detector (`checkNoThreadLeak`). They run inside exit
/// tests: the census must see this process's threads only.
enum LeakChecks {
    /// Hundreds of jobs back to back on one pool; while it lives, the process has exactly
    /// its N-1 workers more than before.
    static func backToBackJobs<Scheduler: JobScheduler>(_ schedulerType: Scheduler.Type, threadCount: Int, jobs: Int) -> CheckVerdict {
        let before = ThreadCensus.take()
        var verdict = CheckVerdict()
        do {
            var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount),
                                      scheduler: Scheduler.self, work: CountingWork())
            // Workers name themselves once running: wait (bounded) until all have.
            var during = ThreadCensus.take()
            _ = Deadline(seconds: 10).wait {
                during = ThreadCensus.take()
                return during.poolWorkers - before.poolWorkers >= threadCount - 1
            }
            verdict.check(during.poolWorkers - before.poolWorkers == threadCount - 1, .setup,
                          "a pool of \(threadCount) threads runs \(during.poolWorkers - before.poolWorkers) named workers")
            for job in 0..<jobs {
                let target = UInt64(job % 1000)
                let result = try pool.run(target: target)
                verdict.check(result == target, .wrongResult, "job \(job): \(result), expected \(target)")
            }
        } catch {
            verdict.report(.wrongError, "\(error)")
        }
        return verdict
    }

    /// Pools created, used once and destroyed in a loop.
    static func poolsInALoop<Scheduler: JobScheduler>(_ schedulerType: Scheduler.Type, threadCount: Int, pools: Int) -> CheckVerdict {
        var verdict = CheckVerdict()
        for index in 0..<pools {
            do {
                var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount),
                                          scheduler: Scheduler.self, work: CountingWork())
                let result = try pool.run(target: 1000)
                verdict.check(result == 1000, .wrongResult, "pool \(index): \(result), expected 1000")
            } catch {
                verdict.report(.wrongError, "pool \(index): \(error)")
            }
        }
        return verdict
    }

    /// Broken on purpose: the pool is kept alive by a retain that is never released, so
    /// its workers are never joined. The leak detector must report it.
    static func leakedPool(threadCount: Int) -> CheckVerdict {
        final class Holder {
            var pool: CountingPool
            init(_ pool: consuming CountingPool) { self.pool = pool }
        }
        do {
            let holder = Holder(try CountingPool(configuration: PoolConfiguration(threadCount: threadCount)))
            _ = try holder.pool.run(target: 100)
            _ = Unmanaged.passRetained(holder)
        } catch {
            var verdict = CheckVerdict()
            verdict.report(.setup, "\(error)")
            return verdict
        }
        return CheckVerdict()
    }
}
