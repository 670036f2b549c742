import Canaries
import Glibc
import Pool

/// Runs episodes on one caller thread: builds the episode's pool, runs its jobs, checks
/// every outcome, and replaces a pool that an injected failure stopped (pool churn).
///
/// Generic over the building blocks, so that the real ones and the canaries run through
/// the same specialised code; `run(_:)` picks the concrete types for the episode.
public struct EpisodeRunner {
    public let context: RunContext
    public let slot: RunnerSlot

    public init(context: RunContext, slot: RunnerSlot) {
        self.context = context
        self.slot = slot
    }

    public func run(_ episode: Episode) {
        let canary = context.options.variant
        let reducer = canary?.reducerType ?? episode.reducer.type
        if let scheduler = canary?.schedulerType {
            run(episode, scheduler, reducer)
            return
        }
        switch episode.scheduler {
        case .futex: run(episode, FutexScheduler.self, reducer)
        case .basic: run(episode, BasicScheduler.self, reducer)
        case .sequence: run(episode, SequenceScheduler.self, reducer)
        }
    }

    /// The pool's blocks and configuration, as dumps print it: "futex+spinlock futex x3 ...".
    /// A pure function of the episode and the canary, so that the supervisor can print it
    /// for a driver that died.
    static func poolLabel(_ episode: Episode, variant: Canary?) -> String {
        let real: String
        switch episode.scheduler {
        case .futex: real = FutexScheduler.name
        case .basic: real = BasicScheduler.name
        case .sequence: real = SequenceScheduler.name
        }
        let scheduler = variant?.schedulerType?.name ?? real
        let reducer = variant?.reducerType?.name ?? episode.reducer.type.name
        let pool = variant?.shutdownSteps.map { " (\($0.variantName ?? "?") shutdown)" } ?? ""
        return "\(scheduler)+\(reducer)\(pool) \(episode.configurationLabel)"
    }

    func fail(_ verdict: Verdict, _ message: String, _ episode: Episode, _ jobIndex: Int) -> Never {
        context.terminate(verdict, message, episode: episode.index, jobIndex: jobIndex)
    }

    func run<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ episode: Episode, _: Scheduler.Type, _: Reducer.Type
    ) {
        // The page ledger: exact accounting of each pool's pages (not under exploration,
        // whose findings come from its own checks and whose runs it would only slow).
        let countsPages = context.findingInterceptor == nil
        if countsPages { PageLedger.start() }
        var jobIndex = 0
        while jobIndex < episode.jobs.count && context.mayContinue(episode.phase) {
            let mark = countsPages ? PageLedger.mark : 0
            let first = jobIndex
            jobIndex = runPool(episode, from: jobIndex, Scheduler.self, Reducer.self)
            if countsPages { checkPagesReturned(since: mark, episode: episode, firstJob: first) }
        }
    }

    /// One pool's life: from job `first` until the episode ends, time is up, or an
    /// injected failure stopped the pool. Returns the next job index.
    func runPool<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ episode: Episode, from first: Int, _: Scheduler.Type, _: Reducer.Type
    ) -> Int {
        let threadCount = episode.threadCount
        let record = ProbeRecord(context: context, episode: episode.index, threadCount: threadCount,
                                 noiseLevel: episode.noiseLevel, seed: context.seed, phase: episode.phase, slot: slot)
        // The pool's own join timeout is a backstop, set well past the watchdog's deadline: a
        // stuck shutdown must reach the watchdog first, which dumps, diagnoses and reports a
        // stall (exit 2). With equal deadlines the join's timeout could win the race and turn
        // a stall into a bare "did not join" violation.
        let shutdownTimeout = Duration.seconds(2 * context.options.watchdogSeconds + 1)
        var configuration = PoolConfiguration(threadCount: threadCount, spinPolicy: episode.spin.policy,
                                              pinning: episode.pinning, shutdownTimeout: shutdownTimeout)
        if let steps = context.options.variant?.shutdownSteps { configuration.shutdownSteps = steps }
        configuration.startingSequence = Self.boundarySequence(episode, firstJob: first)
        configuration.startingSlotJob = Self.boundarySlotJob(episode, firstJob: first)
        slot.enter(.creatingPool, episode: episode.index, jobIndex: first)
        var pool: ThreadPool<Scheduler, Reducer, StressWork, StressProbe>
        do {
            pool = try ThreadPool(configuration: configuration, scheduler: Scheduler.self, reducer: Reducer.self,
                                  work: StressWork(record: record), probe: StressProbe(record: record))
        } catch {
            fail(.invariant, "could not build a pool (\(episode.configurationLabel)): \(error)", episode, first)
        }
        context.statistics.poolsCreated.wrappingAdd(1, ordering: .relaxed)
        let scheduler = pool.scheduler
        let reducer = pool.reducer
        record.wakeHook = { scheduler.wakeSpuriously() }
        record.faults.drivesLateStops = context.findingInterceptor == nil
        slot.attach(PoolView(
            record: record, label: Self.poolLabel(episode, variant: context.options.variant),
            schedulerDiagnostics: { scheduler.diagnostics }, reducerDiagnostics: { reducer.diagnostics },
            isStopped: { scheduler.isStopped },
            wakeSpuriously: { scheduler.wakeSpuriously() }, parksOnGeneration: Scheduler.parksOnChangingWord))
        defer {
            slot.attach(nil)
            // Every worker is joined (or the run is ending): the counts are final.
            context.coverage.add(record.raceTotals, phase: episode.phase)
        }

        let oracleIsParallel = { (target: UInt64) in threadCount > 1 && target >= Scheduler.minimumJobSize }
        var number: UInt64 = 0
        var lastCheckedJob: UInt64 = 0
        var jobIndex = first
        while jobIndex < episode.jobs.count && context.mayContinue(episode.phase) {
            let job = episode.jobs[jobIndex]
            slot.enter(.idle, episode: episode.index, jobIndex: jobIndex)
            // A worker's failure while it waits, on an even job: armed before the gap and
            // awaited after it, it stops the pool between two jobs, before this one's
            // `isStopped` check (`failureBetweenJobs`). On an odd job, the caller awaits it at
            // `beforePublish`, after that check (`stopBeforePublish`).
            let armsBeforeGap = jobIndex % 2 == 0 && job.fault.map(Self.failsWhileWaiting) == true
            if armsBeforeGap { record.arm(job.fault!, job: number + 1) }
            if job.gapMicroseconds > 0 {
                // Idle long enough for the workers to give up spinning and park.
                usleep(job.gapMicroseconds)
                if job.fault?.kind == .spuriousWake { scheduler.wakeSpuriously() }
            }
            if armsBeforeGap { record.faults.awaitWaitingFailure() }
            number += 1
            if let fault = job.fault, !armsBeforeGap { record.arm(fault, job: number) }
            let weight = Self.jobWeight(episode, jobIndex: jobIndex, target: job.target)
            record.beginJob(number: number, index: jobIndex, target: job.target, weight: weight, refusal: false)
            slot.enter(.runningJob, episode: episode.index, jobIndex: jobIndex)
            let callerBefore = CallerMark(record)
            let started = MonotonicClock.nanoseconds()
            var outcome: Result<UInt64, PoolError>
            do { outcome = .success(try pool.run(target: job.target)) } catch { outcome = .failure(error) }
            let elapsed = MonotonicClock.nanoseconds() &- started
            record.jobReturned()
            context.coverage.jobDone(episode.phase)
            let faultState = job.fault == nil ? ArmedFault.State.idle : record.disarm()
            context.statistics.jobDone(scheduler: episode.scheduler, threads: threadCount, nanoseconds: elapsed)
            context.statistics.reducerJobDone(episode.reducer)
            let fired = faultState == .firedBeforeContribution || faultState == .firedAfterContribution
            if faultState == .armed { context.statistics.faultsNotReached.wrappingAdd(1, ordering: .relaxed) }
            let stopping = fired && job.fault!.kind.stopsPool

            switch outcome {
            case .success(let total):
                let oracle = StressOracle.total(target: job.target, weight: weight)
                if total != oracle {
                    fail(.wrongResult, "job returned \(total), the oracle says \(oracle) (target \(job.target), weight \(weight))", episode, jobIndex)
                }
                // A job that runs on the caller alone involves no worker: a worker's fault that
                // fires meanwhile (while it waits for the next job) stops the pool for the
                // next job, not this one. (Found by `stress --explore`.)
                let involvesFaultyThread = oracleIsParallel(job.target) || job.fault?.thread == 0
                if stopping && faultState == .firedBeforeContribution && involvesFaultyThread {
                    fail(.invariant, "job succeeded although \(job.fault!.label) fired before that thread contributed", episode, jobIndex)
                }
                if !stopping && oracleIsParallel(job.target) {
                    if let (verdict, message) = record.checkCompletedJob(number: number, target: job.target, total: total) {
                        fail(verdict, message, episode, jobIndex)
                    }
                    if episode.scheduler == .futex { record.countStartRace(job: number) }
                    if lastCheckedJob == number - 1 && number > 1,
                       let (verdict, message) = record.checkQuiescedJob(number: number - 1) {
                        fail(verdict, message, episode, jobIndex - 1)
                    }
                    lastCheckedJob = number
                } else if !stopping {
                    let witness = record.board.read(thread: 0)
                    if witness.job != number || witness.contribution != oracle {
                        fail(.wrongResult, "sequential job: the caller's witness says job \(witness.job), \(witness.contribution); expected job \(number), \(oracle)", episode, jobIndex)
                    }
                }
            case .failure(let error):
                guard stopping else {
                    fail(.invariant, "job failed without an injected failure: \(error)", episode, jobIndex)
                }
                if let message = checkJobError(error, pool: pool, caller: callerBefore, record: record,
                                               fault: job.fault!, failedJob: number) {
                    fail(.invariant, message, episode, jobIndex)
                }
            }
            jobIndex += 1
            if stopping {
                checkRefusalAndShutdown(&pool, record: record, fault: job.fault!, failedJob: number,
                                        episode: episode, jobIndex: jobIndex - 1)
                return jobIndex
            }
        }
        slot.enter(.shuttingDown, episode: episode.index, jobIndex: jobIndex)
        let shutdownFault = Self.shutdownFault(episode, firstJob: first, options: context.options)
        if let shutdownFault {
            record.arm(shutdownFault, job: number + 1)
            // Give the worker a moment (bounded) to park, so that shutdown's stop wakes it.
            if record.faults.drivesLateStops {
                let deadline = MonotonicClock.nanoseconds() &+ FaultTrigger.lateStopWaitNanoseconds
                while record.lastPoint(of: shutdownFault.thread).point != .beforePark && MonotonicClock.nanoseconds() < deadline {
                    sched_yield()
                }
            }
        }
        record.shutdownComing()
        do { try pool.shutdown() } catch {
            fail(.invariant, "shutdown did not join every worker: \(error)", episode, jobIndex)
        }
        if let shutdownFault, record.disarm() != .armed {
            // Every worker is joined: the failure, if it fired, is recorded.
            record.raceCounters.count(.failureDuringShutdown, thread: 0)
            if let message = checkRecordedFailure(pool, fault: shutdownFault, failedJob: number + 1) {
                fail(.invariant, "after a failure during shutdown: " + message, episode, jobIndex)
            }
        }
        slot.enter(.idle, episode: episode.index, jobIndex: jobIndex)
        return jobIndex
    }

    /// One pool in four starts its job sequence just below the 31-bit wrap (2^31 − 1, − 2
    /// or − 3: the stop bit's neighbours), so that it crosses the wrap within three jobs
    /// (`PoolConfiguration.startingSequence`; schedulers without a sequence ignore it). By
    /// the episode and the pool's first job: a replay starts the same pools there, and an
    /// exploration's first scenario (index 0, whose schedules DFS and PCT enumerate) is one.
    /// The weight of job `jobIndex`'s items: one job in four is a boundary job, whose total
    /// ends within one item of `UInt64.max` (`StressOracle.boundaryWeight`), so that every
    /// reducer path (the spin lock's fast path and lock path, the slot gather) adds
    /// contributions up to the limit. Drawn from the episode's number and the job's index,
    /// like the boundary pools: a replay, and an exploration scenario's text (`#N`), carry it.
    static func jobWeight(_ episode: Episode, jobIndex: Int, target: UInt64) -> UInt64 {
        (episode.index &+ jobIndex) % 4 == 1 ? StressOracle.boundaryWeight(target: target) : 1
    }

    /// The job number a slot reducer starts from, for one pool in four (others than the
    /// boundary sequence's): 1, 2 or 3 below `UInt64.max`, so the pool's job numbers wrap
    /// through 0 within its first three jobs (`PoolConfiguration.startingSlotJob`). By episode
    /// and pool, like `boundarySequence`.
    static func boundarySlotJob(_ episode: Episode, firstJob: Int) -> UInt64? {
        let draw = episode.index &+ firstJob
        guard draw % 4 == 2 else { return nil }
        return UInt64.max - UInt64(draw / 4 % 3)
    }

    static func boundarySequence(_ episode: Episode, firstJob: Int) -> UInt32? {
        let draw = episode.index &+ firstJob
        guard draw % 4 == 0 else { return nil }
        return SequenceWords.sequenceMask - UInt32(draw / 4 % 3)
    }

    /// After a pool is destroyed: every page it allocated (on this caller, since `mark`) is
    /// free again, else a `resource leak` naming each page still live and where it was
    /// allocated. A worker may drop its reference to the pool's state just after its join
    /// returned: the check waits for that, bounded.
    func checkPagesReturned(since mark: UInt64, episode: Episode, firstJob: Int) {
        let deadline = MonotonicClock.nanoseconds() &+ 1_000_000_000
        var live = PageLedger.liveResources(allocatedByThisThreadSince: mark)
        while !live.isEmpty && MonotonicClock.nanoseconds() < deadline {
            usleep(1_000)
            live = PageLedger.liveResources(allocatedByThisThreadSince: mark)
        }
        guard !live.isEmpty else { return }
        let pages = live.filter { $0.kind == .page }
        let threads = live.filter { $0.kind == .thread }
        var parts: [String] = []
        if !threads.isEmpty {
            parts.append("\(threads.count) worker thread\(threads.count == 1 ? "" : "s") still running (\(threads.prefix(4).map(\.site).joined(separator: "; ")))")
        }
        if !pages.isEmpty {
            parts.append("\(pages.count) page\(pages.count == 1 ? "" : "s") of its own, allocated at \(pages.prefix(4).map(\.site).joined(separator: ", "))")
        }
        fail(.resourceLeak, "the pool of jobs from index \(firstJob) (\(Self.poolLabel(episode, variant: context.options.variant))) left \(parts.joined(separator: " and ")) after it was destroyed", episode, firstJob)
    }

    /// A worker's failure at a point it passes while it waits for a job.
    static func failsWhileWaiting(_ fault: PlannedFault) -> Bool {
        fault.kind == .protocolThrow && fault.thread != 0 && (fault.point == .beforePark || fault.point == .afterWake)
    }

    /// The failure a noisy episode with faults arms for the shutdown of every other pool (by
    /// the pool's first job): a worker fails as shutdown's stop wakes it
    /// (`failureDuringShutdown`). Shutdown must still join every worker, and the pool must
    /// record exactly that failure.
    static func shutdownFault(_ episode: Episode, firstJob: Int, options: StressOptions) -> PlannedFault? {
        guard episode.phase == .noisy, options.faultRate > 0, episode.threadCount > 1, (episode.index &+ firstJob) % 2 == 0 else { return nil }
        return PlannedFault(kind: .protocolThrow, thread: 1 + (episode.index &+ firstJob) % (episode.threadCount - 1),
                            point: .afterWake, stallMicroseconds: 0)
    }

    /// The contract's error for a job that an injected failure stopped, judged exactly: a job
    /// refused at its start (stop raised before the caller's `isStopped` check; the caller
    /// passed no probe point) throws plain `.stopped`, and the pool records the failure; a
    /// job that began (the caller passed a point: `beforePublish` at least, so a stop that
    /// landed after the check is here too) throws `.threadFailed` with the injected failure.
    /// Returns what is wrong, or nil.
    func checkJobError<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ error: PoolError, pool: borrowing ThreadPool<Scheduler, Reducer, StressWork, StressProbe>, caller before: CallerMark,
        record: ProbeRecord, fault: PlannedFault, failedJob: UInt64
    ) -> String? {
        let refused = CallerMark(record) == before && fault.thread != 0
        if refused {
            record.raceCounters.count(.failureBetweenJobs, thread: 0)
            guard case .stopped = error else {
                return "the job was refused at its start (its caller passed no probe point), but it threw \(error), not .stopped"
            }
            return checkRecordedFailure(pool, fault: fault, failedJob: failedJob).map { "a refused job: " + $0 }
        }
        if isExpectedFailure(error, fault: fault, job: failedJob) { return nil }
        return "job failed with the wrong error: \(error); the job began, so the contract gives thread \(fault.thread) failing with \(fault.label)"
    }

    /// The pool's recorded failure must be exactly the injected one.
    func checkRecordedFailure<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ pool: borrowing ThreadPool<Scheduler, Reducer, StressWork, StressProbe>, fault: PlannedFault, failedJob: UInt64
    ) -> String? {
        guard let failure = pool.failure else { return "the pool records no failure; expected thread \(fault.thread) failing with \(fault.label)" }
        let recorded = PoolError.threadFailed(thread: failure.thread, underlying: failure.error)
        if isExpectedFailure(recorded, fault: fault, job: failedJob) { return nil }
        return "the pool records \(recorded); expected thread \(fault.thread) failing with \(fault.label)"
    }

    /// After an injected failure: the pool refuses the next job (exactly `PoolError.stopped`
    /// if stop was visible at its start, exactly the same failure if the job began before),
    /// records exactly the injected failure, says it is stopped, and its shutdown joins every
    /// worker in time.
    func checkRefusalAndShutdown<Scheduler: InspectableScheduler, Reducer: InspectableReducer>(
        _ pool: inout ThreadPool<Scheduler, Reducer, StressWork, StressProbe>, record: ProbeRecord,
        fault: PlannedFault, failedJob: UInt64, episode: Episode, jobIndex: Int
    ) {
        let target = max(Scheduler.minimumJobSize, 1) * UInt64(2 * pool.threadCount)
        record.beginJob(number: failedJob + 1, index: jobIndex, target: target, refusal: true)
        slot.enter(.refusingJob, episode: episode.index, jobIndex: jobIndex)
        let callerBefore = CallerMark(record)
        do {
            let total = try pool.run(target: target)
            fail(.invariant, "the pool ran a job (total \(total)) after \(fault.label) had stopped it", episode, jobIndex)
        } catch {
            // Exactly `.stopped` if stop was visible at the job's start; exactly the failure
            // if the job began before it (a failure after the thread's contribution lets the
            // failed job succeed and raises stop late).
            let refused = CallerMark(record) == callerBefore
            let contractual: Bool
            if refused, case .stopped = error { contractual = true } else { contractual = !refused && isExpectedFailure(error, fault: fault, job: failedJob) }
            if !contractual {
                fail(.invariant, "the stopped pool refused a job with the wrong error: \(error) (the job was \(refused ? "refused at its start: expected .stopped" : "begun: expected thread \(fault.thread) failing with \(fault.label)"))", episode, jobIndex)
            }
        }
        if let message = checkRecordedFailure(pool, fault: fault, failedJob: failedJob) {
            fail(.invariant, "after a failure: " + message, episode, jobIndex)
        }
        if !pool.isStopped {
            fail(.invariant, "the pool refused a job but does not say it is stopped", episode, jobIndex)
        }
        context.statistics.stopsPropagated.wrappingAdd(1, ordering: .relaxed)
        slot.enter(.shuttingDown, episode: episode.index, jobIndex: jobIndex)
        do { try pool.shutdown() } catch {
            fail(.invariant, "shutdown after a failure did not join every worker: \(error)", episode, jobIndex)
        }
        slot.enter(.idle, episode: episode.index, jobIndex: jobIndex)
    }

    /// `PoolError.threadFailed` naming the faulty thread, with the injected error itself.
    func isExpectedFailure(_ error: PoolError, fault: PlannedFault, job: UInt64) -> Bool {
        guard case .threadFailed(let thread, let underlying) = error, thread == fault.thread else { return false }
        let tag = ArmedFault.jobTag(of: job)
        switch fault.kind {
        case .shareThrow:
            return (underlying as? ShareFault) == ShareFault(thread: fault.thread, tag: tag)
        case .protocolThrow:
            return (underlying as? InjectedFailure) == InjectedFailure(point: fault.point, thread: fault.thread, tag: tag)
        case .longStall, .spuriousWake:
            return false
        }
    }
}

extension ReducerKind {
    /// The real reducer this kind names.
    var type: any InspectableReducer.Type {
        switch self {
        case .spinlock: SpinLockReducer.self
        case .slot: SlotReducer.self
        }
    }
}
