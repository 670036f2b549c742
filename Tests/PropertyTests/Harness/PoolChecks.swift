import Pool
import TestSupport

/// Detectors run through a whole pool.
enum PoolChecks {
    /// Jobs on one pool: each result equals the sequential result, the witness memory the
    /// shares wrote is visible to the caller after `run` (TSan checks the ordering), and
    /// every worker claimed every parallel job exactly `repetitions` times (probe).
    /// With `waitsForParkedWorkers`, each job starts only once every worker is parked, and
    /// every worker must then pass `afterWake`: parked workers are woken by the next job.
    static func runJobs<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ schedulerType: Scheduler.Type, _ reducerType: Reducer.Type, threadCount: Int, policy: SpinPolicy,
        targets: [UInt64], repetitions: Int, waitsForParkedWorkers: Bool = false
    ) -> CheckVerdict {
        var distinct: [UInt64] = []
        for target in targets where !distinct.contains(target) { distinct.append(target) }
        let ledger = ClaimLedger(threadCount: threadCount, targets: distinct)
        let log = ProbeLog(threadCount: threadCount, claims: ledger)
        let witnesses = PlainWords(count: threadCount)
        let work = ClosureWork { share in
            // Counting one by one is the standard job; past 2^20 a debug build would take
            // seconds, so large shares contribute their size directly (same value).
            let value = share.count <= 1 << 20 ? CountingWork.count(to: share.count) : share.count
            witnesses[share.thread] = value
            return value
        }
        var verdict = CheckVerdict()
        var pool: ThreadPool<Scheduler, Reducer, ClosureWork, RecordingProbe>
        do {
            pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount, spinPolicy: policy),
                                  scheduler: Scheduler.self, reducer: Reducer.self, work: work, probe: RecordingProbe(log: log))
        } catch {
            verdict.report(.setup, "pool creation threw \(error)")
            return verdict
        }
        let parallel = threadCount > 1
        let scheduler = pool.scheduler
        for repetition in 0..<repetitions {
            for target in distinct {
                let isParallel = parallel && target >= Scheduler.minimumJobSize
                let wakesBefore = (0..<threadCount).map { log.reaches(.afterWake, thread: $0) }
                if waitsForParkedWorkers && isParallel {
                    let parked = Deadline(seconds: 10).wait { scheduler.diagnostics.sleepers == UInt32(threadCount - 1) }
                    verdict.check(parked, .setup, "workers did not all park: \(scheduler.diagnostics)")
                }
                witnesses.fill(0)
                let sequential = (try? work.process(Share.of(thread: 0, threadCount: 1, target: target))) ?? 0
                do {
                    let result = try pool.run(target: target)
                    verdict.check(result == sequential, .wrongResult,
                                  "repetition \(repetition), target \(target): result \(result), sequential \(sequential)")
                    let witnessed = (0..<threadCount).reduce(UInt64(0)) { $0 &+ witnesses[$1] }
                    verdict.check(witnessed == sequential, .wrongResult,
                                  "target \(target): the shares' witness memory sums to \(witnessed), expected \(sequential)")
                } catch {
                    verdict.report(.wrongError, "repetition \(repetition), target \(target): run threw \(error)")
                    return verdict
                }
                if waitsForParkedWorkers && isParallel {
                    for thread in 1..<threadCount {
                        verdict.check(log.reaches(.afterWake, thread: thread) > wakesBefore[thread], .parkedNotWoken,
                                      "target \(target): worker \(thread) took the job without passing afterWake")
                    }
                }
            }
        }
        let expected = distinct.map { parallel && $0 >= Scheduler.minimumJobSize ? repetitions : 0 }
        verdict.absorb(ledger.verdict(expected: expected), context: "claims")
        return verdict
    }

    /// Contributions that sum to exactly UInt64.max + `excess`, split over the threads.
    static func contributions(threadCount: Int, excess: Int) -> [UInt64] {
        let total = excess >= 0 ? UInt128(UInt64.max) + UInt128(excess) : UInt128(UInt64.max) - UInt128(-excess)
        let threads = UInt128(threadCount)
        precondition(total / threads + (total % threads == 0 ? 0 : 1) <= UInt128(UInt64.max), "contributions: \(threadCount) threads cannot carry \(total)")
        return (0..<threadCount).map { UInt64(total / threads + (UInt128($0) < total % threads ? 1 : 0)) }
    }

    /// A job whose contributions sum to UInt64.max + `excess`. At or below the bound, the
    /// job returns the sum; above it, it throws `threadFailed` with an underlying
    /// `ReductionOverflow` (never a wrapped value), and the next job throws `.stopped`.
    static func checkOverflowBoundary<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ schedulerType: Scheduler.Type, _ reducerType: Reducer.Type, threadCount: Int, excess: Int
    ) -> CheckVerdict {
        let parts = contributions(threadCount: threadCount, excess: excess)
        let work = ClosureWork { share in parts[share.thread] }
        var verdict = CheckVerdict()
        var pool: ThreadPool<Scheduler, Reducer, ClosureWork, NoProbe>
        do {
            pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount),
                                  scheduler: Scheduler.self, reducer: Reducer.self, work: work, probe: NoProbe())
        } catch {
            verdict.report(.setup, "pool creation threw \(error)")
            return verdict
        }
        let fits = excess <= 0
        do {
            let result = try pool.run(target: UInt64(threadCount))
            if fits {
                let expected = UInt64.max - UInt64(-excess)
                verdict.check(result == expected, .wrongResult, "result \(result), expected \(expected)")
            } else {
                verdict.report(.silentWrap, "the sum is UInt64.max + \(excess), yet the job returned \(result)")
            }
        } catch {
            guard !fits else {
                verdict.report(.wrongError, "the sum UInt64.max - \(-excess) fits, yet the job threw \(error)")
                return verdict
            }
            if case .threadFailed(let thread, let underlying) = error, let overflow = underlying as? ReductionOverflow {
                verdict.check((0..<threadCount).contains(thread), .wrongError, "threadFailed names thread \(thread)")
                verdict.check(overflow.partialSum.addingReportingOverflow(overflow.contribution).overflow, .wrongError,
                              "\(overflow) does not overflow")
            } else {
                verdict.report(.wrongError, "expected threadFailed(ReductionOverflow), got \(error)")
            }
            do {
                let late = try pool.run(target: UInt64(threadCount))
                verdict.report(.wrongError, "the job after the overflow returned \(late) instead of throwing .stopped")
            } catch {
                if case .stopped = error {} else {
                    verdict.report(.wrongError, "the job after the overflow threw \(error), expected .stopped")
                }
            }
        }
        return verdict
    }
}
