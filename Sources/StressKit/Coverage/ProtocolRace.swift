/// The protocol's races that a stress run should exercise: the one list of them, with what
/// each one is, which building block it belongs to, and which runs can exercise it.
///
/// docs/PROTOCOL.md, "Protocol races", explains each one and names it by its Swift case; a
/// test keeps that section and this enum in step. The probe counts them (`RaceCounters`,
/// `RaceObserver`); the summary prints a coverage table in this order, marking each race a
/// run could have exercised but did not as "never seen", and `--require-coverage` turns such
/// a race into its own exit code (`StressExitCode.coverageIncomplete`).
///
/// Every race is defined by what the probe sees (its points, their order on one thread, the
/// owner of the reducer's lock as the probe saw it), never by timing. The definitions are
/// in `definition`; the classification is `RaceObserver`.
public enum ProtocolRace: String, CaseIterable, Sendable, Hashable {
    // Scheduler: how a worker gets its task, and what `start` meets.
    case claimWhileSpinning = "claim-while-spinning"
    case claimAfterPark = "claim-after-park"
    case claimAfterSpuriousWake = "claim-after-spurious-wake"
    case startFindsSleepers = "start-finds-sleepers"
    case startFindsNoSleepers = "start-finds-no-sleepers"
    case barrierCallerArrivesLast = "barrier-caller-arrives-last"
    case barrierWorkerArrivesLast = "barrier-worker-arrives-last"
    // Reducer: which path a merge takes, and what it meets.
    case mergeFastPath = "merge-fast-path"
    case mergeLockPath = "merge-lock-path"
    case lockUncontended = "lock-uncontended"
    case lockContended = "lock-contended"
    case fastPathWhileLockHeld = "fast-path-while-lock-held"
    case callerMergesFirst = "caller-merges-first"
    case callerMergesLast = "caller-merges-last"
    // Stop and failure: where stop finds the other threads, and when a failure lands.
    case stopWhileSpinning = "stop-while-spinning"
    case stopWhileParked = "stop-while-parked"
    case stopWhileMerging = "stop-while-merging"
    case stopWhileCallerWaits = "stop-while-caller-waits"
    case failureBeforeContribution = "failure-before-contribution"
    case failureAfterContribution = "failure-after-contribution"
    // Late stops: a stop that lands between jobs, or in the edges of one.
    case failureBetweenJobs = "failure-between-jobs"
    case stopBeforePublish = "stop-before-publish"
    case stopDuringGather = "stop-during-gather"
    case failureDuringShutdown = "failure-during-shutdown"

    /// The building block whose protocol has the race.
    public enum Block: String, Sendable, CaseIterable {
        case scheduler
        case reducer
        case stopAndFailure = "stop and failure"
    }

    public var block: Block {
        switch self {
        case .claimWhileSpinning, .claimAfterPark, .claimAfterSpuriousWake, .startFindsSleepers, .startFindsNoSleepers,
             .barrierCallerArrivesLast, .barrierWorkerArrivesLast: .scheduler
        case .mergeFastPath, .mergeLockPath, .lockUncontended, .lockContended, .fastPathWhileLockHeld,
             .callerMergesFirst, .callerMergesLast: .reducer
        case .stopWhileSpinning, .stopWhileParked, .stopWhileMerging, .stopWhileCallerWaits,
             .failureBeforeContribution, .failureAfterContribution, .failureBetweenJobs, .stopBeforePublish,
             .stopDuringGather, .failureDuringShutdown: .stopAndFailure
        }
    }

    /// What the probe counts, in one line (the summary's coverage table prints it).
    public var definition: String {
        switch self {
        case .claimWhileSpinning: "a worker claims a task without having parked since its previous claim"
        case .claimAfterPark: "a worker claims a task after one park: start's wake, or the kernel's re-check, delivered it"
        case .claimAfterSpuriousWake: "a worker claims a task after a wake that found no task (it parked again)"
        case .startFindsSleepers: "futex start publishes a job that a worker claims after parking for it"
        case .startFindsNoSleepers: "futex start publishes a job every worker claims without parking: the wake is skipped"
        case .barrierCallerArrivesLast: "basic: the caller completes the barrier round; every worker waited for it"
        case .barrierWorkerArrivesLast: "basic: a worker completes the barrier round; the caller waited in start"
        case .mergeFastPath: "a merge sees remaining == 1 and finishes without the lock"
        case .mergeLockPath: "a merge takes the reducer's lock"
        case .lockUncontended: "the lock is taken by a thread that found nobody holding it when it came to merge"
        case .lockContended: "the lock is taken by a thread that found another thread holding it when it came to merge"
        case .fastPathWhileLockHeld: "the fast path runs while another thread still holds the lock (decremented, not released)"
        case .callerMergesFirst: "the caller's merge is the job's first (count N to N-1)"
        case .callerMergesLast: "the caller's merge completes the job (it receives the total)"
        case .stopWhileSpinning: "stop finds another thread spinning for a task or for the job's other claims"
        case .stopWhileParked: "stop finds another thread parked (or about to park)"
        case .stopWhileMerging: "stop finds another thread inside its merge (before it released the lock)"
        case .stopWhileCallerWaits: "a worker's failure raises stop while the caller waits for the total"
        case .failureBeforeContribution: "an injected failure lands before the thread's contribution: the job must fail"
        case .failureAfterContribution: "an injected failure lands after the thread's contribution: the job may succeed"
        case .failureBetweenJobs: "a worker's failure stops the pool between two jobs: the next one is refused with plain .stopped"
        case .stopBeforePublish: "a worker's failure raises stop after the caller's isStopped check, before its publish: start throws"
        case .stopDuringGather: "a worker's failure raises stop while the caller, merged without the lock, waits for the others"
        case .failureDuringShutdown: "a worker's injected failure fires while shutdown's stop wakes it: shutdown still joins"
        }
    }

    /// What a run must do for the race to be possible at all: the runs whose coverage table
    /// can mark it "never seen" (the others print "n/a" and `--require-coverage` skips it).
    public struct Requirement: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A pool of 2 or more threads runs parallel jobs.
        public static let parallel = Requirement(rawValue: 1 << 0)
        /// Episodes of the futex scheduler.
        public static let futex = Requirement(rawValue: 1 << 1)
        /// Episodes of the basic (barrier) scheduler.
        public static let basic = Requirement(rawValue: 1 << 2)
        /// Noisy phases: spin policies that park, gaps between jobs, stalls.
        public static let noisy = Requirement(rawValue: 1 << 3)
        /// Injected faults (`--faults` > 0) in the noisy phases.
        public static let faults = Requirement(rawValue: 1 << 4)
        /// Episodes of the spin-lock reducer: only it has a lock, a count the caller can take
        /// first, and a caller that waits after releasing the lock. A run of the shipped
        /// blocks alone (`--reducer slot`) cannot reach these races, so they are n/a there.
        public static let spinLock = Requirement(rawValue: 1 << 5)
    }

    public var requirement: Requirement {
        switch self {
        case .claimWhileSpinning, .mergeFastPath, .callerMergesLast, .stopWhileSpinning: .parallel
        case .mergeLockPath, .lockUncontended, .lockContended, .fastPathWhileLockHeld, .callerMergesFirst: [.parallel, .spinLock]
        case .claimAfterPark, .stopWhileParked: [.parallel, .noisy]
        case .claimAfterSpuriousWake: [.parallel, .noisy, .faults]
        case .startFindsSleepers: [.parallel, .futex, .noisy]
        case .startFindsNoSleepers: [.parallel, .futex]
        case .barrierCallerArrivesLast, .barrierWorkerArrivesLast: [.parallel, .basic]
        case .stopWhileMerging, .failureAfterContribution, .failureBetweenJobs, .stopBeforePublish,
             .stopDuringGather, .failureDuringShutdown: [.parallel, .noisy, .faults]
        case .stopWhileCallerWaits: [.parallel, .noisy, .faults, .spinLock]
        case .failureBeforeContribution: [.noisy, .faults]
        }
    }

    /// The races a run whose options provide `provided` can exercise.
    public static func applicable(given provided: Requirement) -> [ProtocolRace] {
        allCases.filter { provided.isSuperset(of: $0.requirement) }
    }
}
