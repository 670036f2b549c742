import Pool
import TestSupport

/// One job of a fault run, as seen by the caller.
struct JobRecord {
    enum Outcome {
        case returned(UInt64)
        case threw(PoolError)
    }
    var outcome: Outcome
    /// Faults that had fired before the job began, and by the time it ended.
    var firedBefore: Int
    var firedAfter: Int
    var seconds: Double
}

/// What a fault run produced, for the grader.
struct FaultRun {
    var expectedResult: UInt64
    /// Jobs up to and including the first one that threw.
    var jobs: [JobRecord] = []
    /// The jobs run after that one (each must throw `.stopped`).
    var laterJobs: [JobRecord] = []
    var failure: (thread: Int, error: any Error)?
    /// Set when a job succeeded after a late fault and stop never followed.
    var stopAfterLateFault: Bool? = nil
}

/// Arms the faults of a `PanicCase` in a real pool, runs jobs until one throws, then two
/// more, and hands the record to `gradeFaultRun`.
///
/// The probe fires the planned faults and also orders the threads where a fault needs it
/// to be reachable: lock points are passed only by threads that are not last (so the
/// faulty threads merge first), `totalReceived` only by the last (so they merge last).
/// Those waits are bounded and end as soon as any fault fires.
enum FaultScenario {
    static let maximumJobs = 20
    /// A job must throw within this (scaled) time once its fault fired.
    static let failureDeadlineSeconds = 10.0

    static func run(_ panic: PanicCase) -> CheckVerdict {
        func run<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(_: Scheduler.Type, _: Reducer.Type) -> CheckVerdict {
            gradeFaultRun(execute(Scheduler.self, Reducer.self, panic), panic)
        }
        return run(panic.kind.type, panic.reducer.type)
    }

    static func execute<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ schedulerType: Scheduler.Type, _ reducerType: Reducer.Type, _ panic: PanicCase
    ) -> FaultRun {
        let threadCount = panic.threadCount
        let log = ProbeLog(threadCount: threadCount)
        let fired = AtomicCounters(count: 1)
        let probeFaults = Set(panic.faults.compactMap { fault in fault.point.map { PointOnThread(point: $0, thread: fault.thread) } })
        let shareFaults = Set(panic.faults.filter { $0.point == nil }.map(\.thread))
        let mergeFirst = panic.mergeFirst
        let mergeLast = panic.mergeLast.subtracting(mergeFirst)
        let others = Set(0..<threadCount)

        let probe = RecordingProbe(log: log) { point, thread, _ throws(InjectedFailure) in
            if probeFaults.contains(PointOnThread(point: point, thread: thread)) {
                fired.increment(0)
                throw InjectedFailure(point: point, thread: thread)
            }
            guard point == .beforeMerge else { return }
            let job = log.reaches(.beforeMerge, thread: thread)
            let wait = Deadline(seconds: 1)
            if !mergeFirst.isEmpty && !mergeFirst.contains(thread) {
                _ = wait.wait { fired[0] > 0 || mergeFirst.allSatisfy { log.reaches(.beforeMerge, thread: $0) >= job } }
            }
            if mergeLast.contains(thread) {
                let earlier = others.subtracting(mergeLast)
                _ = wait.wait { fired[0] > 0 || earlier.allSatisfy { log.reaches(.countDecremented, thread: $0) >= job } }
            }
        }
        let work = ClosureWork { share in
            if shareFaults.contains(share.thread) {
                fired.increment(0)
                throw ShareFailure(thread: share.thread)
            }
            return CountingWork.count(to: share.count)
        }
        let target = UInt64(threadCount * 100 + 7)
        var record = FaultRun(expectedResult: target)
        var pool: ThreadPool<Scheduler, Reducer, ClosureWork, RecordingProbe>
        do {
            pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount, spinPolicy: panic.policy),
                                  scheduler: Scheduler.self, reducer: Reducer.self, work: work, probe: probe)
        } catch {
            record.jobs.append(JobRecord(outcome: .threw(error), firedBefore: 0, firedAfter: 0, seconds: 0))
            return record
        }
        let scheduler = pool.scheduler
        func runJob() -> JobRecord {
            if panic.parks && threadCount > 1 {
                // Start each job with every worker parked (or the pool already stopped).
                _ = Deadline(seconds: 10).wait { scheduler.isStopped || scheduler.diagnostics.sleepers == UInt32(threadCount - 1) }
            }
            // The failure record's mutex orders every fault that has stopped the pool (its
            // thread counted it before recording) before this relaxed read of the count.
            _ = pool.failure
            let before = fired[0]
            let start = MonotonicClock.nanoseconds()
            let outcome: JobRecord.Outcome
            do { outcome = .returned(try pool.run(target: target)) } catch { outcome = .threw(error) }
            let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
            return JobRecord(outcome: outcome, firedBefore: before, firedAfter: fired[0], seconds: seconds)
        }
        for _ in 0..<maximumJobs {
            let job = runJob()
            record.jobs.append(job)
            if case .threw = job.outcome { break }
            if job.firedAfter > 0 {
                // A late fault let this job succeed: the failing thread raises stop next.
                record.stopAfterLateFault = Deadline(seconds: 5).wait { scheduler.isStopped }
                break
            }
        }
        record.laterJobs = (0..<2).map { _ in runJob() }
        record.failure = pool.failure
        return record
    }

    private struct PointOnThread: Hashable {
        var point: ProbePoint
        var thread: Int
    }
}

/// The panic detector: grades a fault run against the contract.
///
/// - Jobs before the fault fired return the sequential result.
/// - A job during which a fault fired throws `threadFailed` naming a faulty thread and
///   its error, within the deadline; it may instead succeed only if the fault can land
///   after that thread's contribution (then stop must follow).
/// - A job that finds the pool already stopped by a fault throws `.stopped`.
/// - Every job after the failure throws `.stopped`; the pool's `failure` names a fault.
func gradeFaultRun(_ run: FaultRun, _ panic: PanicCase) -> CheckVerdict {
    var verdict = CheckVerdict()
    let lateAllowed = panic.faults.contains { $0.mayLandAfterContribution }
    func explained(_ thread: Int, _ error: any Error) -> Bool {
        panic.faults.contains { $0.explains(thread: thread, error: error) }
    }
    var sawFailure = false
    for (index, job) in run.jobs.enumerated() {
        switch job.outcome {
        case .returned(let value):
            verdict.check(value == run.expectedResult, .wrongResult, "job \(index) returned \(value), expected \(run.expectedResult)")
            if job.firedAfter > 0 {
                verdict.check(lateAllowed, .wrongError,
                              "job \(index) succeeded although a fault that cannot land after its contribution fired")
                sawFailure = true
            }
        case .threw(let error):
            sawFailure = true
            verdict.check(job.seconds <= FaultScenario.failureDeadlineSeconds * Double(TestTiming.slowdown), .timeout,
                          "job \(index) took \(job.seconds) s to throw")
            switch error {
            case .threadFailed(let thread, let underlying):
                verdict.check(job.firedAfter > 0, .wrongError, "job \(index) threw \(error) but no fault had fired")
                verdict.check(explained(thread, underlying), .wrongError,
                              "job \(index) threw \(error), which no armed fault explains (\(panic.faults))")
            case .stopped:
                verdict.check(job.firedBefore > 0 && lateAllowed, .wrongError,
                              "job \(index) threw .stopped, but no fault had stopped the pool before it began")
            default:
                verdict.report(.wrongError, "job \(index) threw \(error)")
            }
        }
    }
    verdict.check(sawFailure, .setup, "no fault fired in \(run.jobs.count) jobs: the case is unreachable as written")
    if run.stopAfterLateFault == false {
        verdict.report(.stopNotReached, "a fault fired after the total, but the pool did not stop within the deadline")
    }
    for (index, job) in run.laterJobs.enumerated() {
        if case .threw(.stopped) = job.outcome { continue }
        verdict.report(.wrongError, "later job \(index): \(job.outcome), expected .stopped")
    }
    if sawFailure {
        if let failure = run.failure {
            verdict.check(explained(failure.thread, failure.error), .wrongError,
                          "the pool's failure (thread \(failure.thread): \(failure.error)) matches no armed fault")
        } else {
            verdict.report(.wrongError, "a fault fired, but the pool records no failure")
        }
    }
    return verdict
}
