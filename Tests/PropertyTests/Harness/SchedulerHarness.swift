import CPoolSupport
import Pool
import PoolSupport
import TestSupport

/// Drives a scheduler alone, with threads of our own: no pool, no reducer.
///
/// Thread 0 is the test's own thread: it starts each job and counts its own share; workers
/// 1 ..< N claim the job, count their share, call `waitForStarted`, add their count to the
/// job's result and publish their progress. Every wait is bounded; a worker that does not
/// come back is reported, rescued with `wakeSpuriously`, and never joined without a bound.
enum SchedulerHarness {
    /// How a harness worker left its loop.
    private enum WorkerExit: Int {
        case running = 0
        case stopped
        /// An error other than `.stopped` (an injected failure).
        case failed
    }

    /// What the workers share with the coordinating thread.
    private final class Crew<Scheduler: InspectableScheduler>: Sendable {
        let scheduler: Scheduler
        let probe: RecordingProbe
        let threadCount: Int
        /// The jobs, told apart by their (distinct) targets.
        let targets: [UInt64]
        private let jobOfTarget: [UInt64: Int]
        /// [job] sum of the workers' counts.
        let results: AtomicCounters
        /// [worker][job] times the worker processed the job (published with release).
        private let processed: AtomicCounters
        /// [0] tasks whose target matched no job.
        let strayTasks = AtomicCounters(count: 1)
        /// [worker] how it left: a `WorkerExit` raw value.
        let exits: AtomicCounters
        /// [worker] times it entered waitForTask.
        let entries: AtomicCounters
        /// [worker] its kernel thread id (stored once, before its first wait).
        let threadIDs: AtomicCounters

        init(threadCount: Int, policy: SpinPolicy, targets: [UInt64], claims: ClaimLedger?,
             action: RecordingProbe.Action? = nil) {
            scheduler = Scheduler(threadCount: threadCount, spinPolicy: policy)
            probe = RecordingProbe(log: ProbeLog(threadCount: threadCount, claims: claims), action: action)
            self.threadCount = threadCount
            self.targets = targets
            jobOfTarget = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, $0) })
            results = AtomicCounters(count: targets.count)
            processed = AtomicCounters(count: threadCount * max(targets.count, 1))
            exits = AtomicCounters(count: threadCount)
            entries = AtomicCounters(count: threadCount)
            threadIDs = AtomicCounters(count: threadCount)
        }

        /// A worker's loop: claim, count, wait for every claim, report; until stopped.
        func workerLoop(thread: Int) {
            // release: pairs with the acquiring load in `allParkedInKernel`.
            threadIDs.addReleasing(thread, Int(cpool_gettid()))
            while true {
                entries.increment(thread)
                do throws(ProtocolInterruption) {
                    let target = try scheduler.waitForTask(thread: thread, probe: probe)
                    let share = Share.of(thread: thread, threadCount: threadCount, target: target)
                    let value = CountingWork.count(to: share.count)
                    try scheduler.waitForStarted(thread: thread, probe: probe)
                    guard let job = jobOfTarget[target] else {
                        strayTasks.increment(0)
                        continue
                    }
                    results.add(job, Int(value))
                    // release: pairs with the coordinator's acquiring load in
                    // waitForJob, so the result added above is visible to it.
                    processed.addReleasing(thread * targets.count + job, 1)
                } catch .stopped {
                    exits.store(thread, WorkerExit.stopped.rawValue)
                    return
                } catch {
                    exits.store(thread, WorkerExit.failed.rawValue)
                    return
                }
            }
        }

        /// Whether every worker is blocked in the kernel's futex wait (not just counted as a
        /// sleeper: see `KernelParking`).
        func allParkedInKernel() -> Bool {
            (1..<threadCount).allSatisfy { thread in
                let tid = threadIDs.loadAcquiring(thread)
                return tid != 0 && KernelParking.isBlockedInFutex(tid: Int32(tid))
            }
        }

        func spawnWorkers() -> [NamedThread] {
            (1..<threadCount).map { thread in
                NamedThread.startOrDie(name: "sched-worker-\(thread)") { self.workerLoop(thread: thread) }
            }
        }

        /// Waits until every worker has processed job `job` at least once (so all its tasks
        /// are claimed and the next start is legal); returns the workers that have not.
        func waitForJob(_ job: Int, by deadline: Deadline) -> [Int] {
            let pending = { (1..<self.threadCount).filter { self.processed.loadAcquiring($0 * self.targets.count + job) == 0 } }
            _ = deadline.wait { pending().isEmpty }
            return pending()
        }

        /// Raises stop and grades its reach: every worker returns `.stopped` within the
        /// deadline. Stragglers are reported, then rescued with a spurious wake.
        func stopAndJoin(_ workers: [NamedThread], seconds: Double, verdict: inout CheckVerdict) {
            scheduler.stop()
            let stuck = workers.joinAll(by: Deadline(seconds: seconds))
            verdict.check(stuck.isEmpty, .stopNotReached,
                          "workers \(stuck.map { $0 + 1 }) still in the scheduler \(seconds) s after stop(); \(scheduler.diagnostics)")
            if !stuck.isEmpty {
                scheduler.wakeSpuriously()
                let lost = workers.joinAll(by: Deadline(seconds: 5))
                verdict.check(lost.isEmpty, .timeout, "workers \(lost.map { $0 + 1 }) did not end even after a wake")
                lost.forEach { workers[$0].detach() }
            }
            let wrongExits = (1..<threadCount).filter { exits[$0] == WorkerExit.failed.rawValue }
            verdict.check(wrongExits.isEmpty, .wrongError, "workers \(wrongExits) left with an error other than .stopped")
        }
    }

    /// Runs `targets` (distinct; below the scheduler's minimum size they are skipped, as the
    /// pool runs them on the caller) and grades: each job's result is its target (the
    /// sequential count); every worker claims every job exactly once (probe at
    /// `taskClaimed`); stop then reaches every worker.
    static func runJobs<Scheduler: InspectableScheduler>(
        _ schedulerType: Scheduler.Type, threadCount: Int, policy: SpinPolicy, targets: [UInt64], seconds: Double = 20
    ) -> CheckVerdict {
        let jobs = targets.filter { $0 >= Scheduler.minimumJobSize }
        let ledger = ClaimLedger(threadCount: threadCount, targets: jobs)
        let crew = Crew<Scheduler>(threadCount: threadCount, policy: policy, targets: jobs, claims: ledger)
        let workers = crew.spawnWorkers()
        let deadline = Deadline(seconds: seconds)
        var verdict = CheckVerdict()
        for (job, target) in jobs.enumerated() {
            do throws(ProtocolInterruption) {
                try crew.scheduler.start(target: target, probe: crew.probe)
            } catch {
                verdict.report(.wrongError, "start of job \(job) threw \(error)")
                break
            }
            let own = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
            let behind = crew.waitForJob(job, by: deadline)
            if !behind.isEmpty {
                verdict.report(.timeout, "job \(job): workers \(behind) did not finish; \(crew.scheduler.diagnostics)")
                break
            }
            let result = own + UInt64(crew.results[job])
            verdict.check(result == target, .wrongResult, "job \(job): result \(result), sequential \(target)")
        }
        verdict.check(crew.strayTasks[0] == 0, .wrongResult, "workers received \(crew.strayTasks[0]) targets of no job")
        crew.stopAndJoin(workers, seconds: min(seconds, 5), verdict: &verdict)
        verdict.absorb(ledger.verdict(expected: jobs.map { _ in 1 }), context: "claims")
        return verdict
    }

    /// The exactly-once detector with its interleaving forced, not hoped for. Every worker
    /// parks; one job starts; worker 2 is held right after its wake (`afterWake`, before its
    /// claim) until some worker has claimed the job twice, or `holdSeconds` passed without
    /// that. A correct scheduler keeps every other worker in `waitForStarted` until worker 2
    /// has claimed, so no second claim can happen, and worker 2, released, completes the job.
    /// A scheduler without that wait lets a fast worker claim worker 2's task: the ledger
    /// records the second claim, and worker 2 stays held until stop (a claim of a task nobody
    /// published would underflow the task word).
    static func checkClaimsWithHeldWorker<Scheduler: InspectableScheduler>(
        _ schedulerType: Scheduler.Type, threadCount: Int, holdSeconds: Double
    ) -> CheckVerdict {
        precondition(threadCount >= 3, "checkClaimsWithHeldWorker needs a worker to hold and one to race past it")
        let target = UInt64(threadCount * 1000)
        let ledger = ClaimLedger(threadCount: threadCount, targets: [target])
        // [0]: 1 once the harness raises stop.
        let stopping = AtomicCounters(count: 1)
        let holdEnds = Deadline(seconds: holdSeconds)
        let heldWorker = 2
        let crew = Crew<Scheduler>(threadCount: threadCount, policy: .parkImmediately, targets: [target], claims: ledger,
                                   action: { point, thread, _ in
            guard point == .afterWake, thread == heldWorker else { return }
            _ = Deadline(seconds: 30).wait {
                ledger.hasRepeatedClaim ? stopping.loadAcquiring(0) != 0 : holdEnds.hasPassed
            }
        })
        let workers = crew.spawnWorkers()
        var verdict = CheckVerdict()
        let parked = Deadline(seconds: 10).wait { crew.allParkedInKernel() }
        verdict.check(parked, .setup, "not every worker blocked in the kernel; \(crew.scheduler.diagnostics)")
        do throws(ProtocolInterruption) {
            try crew.scheduler.start(target: target, probe: crew.probe)
            _ = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
            // With a second claim the held worker never processes the job: stop waiting then.
            let deadline = Deadline(seconds: holdSeconds + 5)
            _ = deadline.wait { ledger.hasRepeatedClaim || crew.waitForJob(0, by: Deadline(seconds: 0)).isEmpty }
            let behind = crew.waitForJob(0, by: Deadline(seconds: 0))
            if !ledger.hasRepeatedClaim {
                verdict.check(behind.isEmpty, .timeout, "workers \(behind) did not finish the job; \(crew.scheduler.diagnostics)")
            }
        } catch {
            verdict.report(.wrongError, "start threw \(error)")
        }
        // release: pairs with the held worker's acquiring load: it may go, into the stop.
        stopping.addReleasing(0, 1)
        crew.stopAndJoin(workers, seconds: 5, verdict: &verdict)
        verdict.absorb(ledger.verdict(expected: [1]), context: "claims")
        return verdict
    }

    /// Puts `waiters` workers in `waitForTask` (parked, with `.parkImmediately`), raises
    /// stop, and grades that every one returns `.stopped` within `seconds`.
    static func checkStopReachesWaiters<Scheduler: InspectableScheduler>(
        _ schedulerType: Scheduler.Type, waiters: Int, policy: SpinPolicy, seconds: Double = 3
    ) -> CheckVerdict {
        let crew = Crew<Scheduler>(threadCount: waiters + 1, policy: policy, targets: [], claims: nil)
        let workers = crew.spawnWorkers()
        var verdict = CheckVerdict()
        let entered = Deadline(seconds: 10).wait { (1...waiters).allSatisfy { crew.entries[$0] > 0 } }
        verdict.check(entered, .setup, "not every worker entered waitForTask")
        if policy == .parkImmediately {
            let parked = Deadline(seconds: 10).wait { crew.allParkedInKernel() }
            verdict.check(parked, .setup, "not every worker blocked in the kernel; \(crew.scheduler.diagnostics)")
        }
        crew.stopAndJoin(workers, seconds: seconds, verdict: &verdict)
        let stopped = (1...waiters).filter { crew.exits[$0] == WorkerExit.stopped.rawValue }
        verdict.check(stopped.count == waiters, .stopNotReached, "only workers \(stopped) returned .stopped")
        return verdict
    }

    /// With `.parkImmediately`, waits until all `workers` are parked, starts a job, and
    /// grades that every one wakes and claims it within `seconds`; `jobs` times. The probe
    /// confirms the park path ran: `beforePark` and `afterWake` on every worker, every job.
    static func checkParkedWorkersWake<Scheduler: InspectableScheduler>(
        _ schedulerType: Scheduler.Type, workers workerCount: Int, jobs: Int, seconds: Double = 3
    ) -> CheckVerdict {
        let threadCount = workerCount + 1
        let targets = (0..<jobs).map { UInt64(threadCount * ($0 + 1)) }
        let crew = Crew<Scheduler>(threadCount: threadCount, policy: .parkImmediately, targets: targets, claims: nil)
        let log = crew.probe.log
        let workers = crew.spawnWorkers()
        var verdict = CheckVerdict()
        for job in 0..<jobs {
            let parked = Deadline(seconds: 10).wait { crew.allParkedInKernel() }
            if !parked {
                verdict.report(.setup, "job \(job): not every worker blocked in the kernel; \(crew.scheduler.diagnostics)")
                break
            }
            let wakesBefore = (1..<threadCount).map { log.reaches(.afterWake, thread: $0) }
            let target = targets[job]
            do throws(ProtocolInterruption) {
                try crew.scheduler.start(target: target, probe: crew.probe)
            } catch {
                verdict.report(.wrongError, "start of job \(job) threw \(error)")
                break
            }
            _ = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
            let asleep = crew.waitForJob(job, by: Deadline(seconds: seconds))
            if !asleep.isEmpty {
                verdict.report(.parkedNotWoken, "job \(job): workers \(asleep) did not claim it within \(seconds) s; \(crew.scheduler.diagnostics)")
                crew.scheduler.wakeSpuriously()
                let rescued = crew.waitForJob(job, by: Deadline(seconds: 5)).isEmpty
                if !rescued { break }
                continue
            }
            for thread in 1..<threadCount {
                verdict.check(log.reaches(.afterWake, thread: thread) > wakesBefore[thread - 1], .setup,
                              "job \(job): worker \(thread) claimed without passing afterWake: the park path did not run")
                verdict.check(log.reaches(.beforePark, thread: thread) > job, .setup,
                              "job \(job): worker \(thread) passed beforePark only \(log.reaches(.beforePark, thread: thread)) times")
            }
        }
        crew.stopAndJoin(workers, seconds: min(seconds, 5), verdict: &verdict)
        return verdict
    }
}
