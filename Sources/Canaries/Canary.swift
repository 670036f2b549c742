import Pool

/// The registry of deliberately broken variants: the one place that says what each canary
/// is, what it breaks, which building block it replaces, who must catch it and how the
/// stress self-test tunes its hunt.
///
/// Each canary is the real building block with exactly one step replaced (`FutexSteps`,
/// `SpinLockSteps`, `SequenceSteps`, `SlotSteps`, `ShutdownSteps`); its steps type is named
/// after it (`lost-wakeup` is `LostWakeup`), and the block's `name`, which every dump
/// prints, is the canary's name. `stress --list-canaries` prints this registry, and the
/// scripts read it from there. Never linked into the `Pool` library.
public enum Canary: String, CaseIterable, Sendable {
    case lostWakeup = "lost-wakeup"
    case noStopOnFailure = "no-stop-on-failure"
    case doubleClaim = "double-claim"
    case relaxedClaim = "relaxed-claim"
    case silentStop = "silent-stop"
    case wrongWord = "wrong-word"
    case unlockedMerge = "unlocked-merge"
    case lateUnlock = "late-unlock"
    case relaxedPublication = "relaxed-publication"
    case checkThenLock = "check-then-lock"
    case dropsContribution = "drops-contribution"
    case everyThreadReceivesTotal = "every-thread-receives-total"
    case doubleDecrement = "double-decrement"
    case wrappingSum = "wrapping-sum"
    case stalePark = "stale-park"
    case relaxedJob = "relaxed-job"
    case unwokenJob = "unwoken-job"
    case unmarkedStop = "unmarked-stop"
    case earlyGather = "early-gather"
    case relaxedSlot = "relaxed-slot"
    case wrappingGather = "wrapping-gather"
    case claimOnWake = "claim-on-wake"
    case neverJoins = "never-joins"
    case misplacedRemainder = "misplaced-remainder"
    case blindPublish = "blind-publish"
    case wideWrap = "wide-wrap"
    case leakedCell = "leaked-cell"
    case acquireSleeperCheck = "acquire-sleeper-check"
    case acquireReleasePublish = "acquire-release-publish"

    /// The building block a canary replaces; the pool's other block stays real.
    public enum Block: String, Sendable {
        /// `FutexScheduler`, with one of its `FutexSteps` broken.
        case futexScheduler = "FutexScheduler"
        /// `SpinLockReducer`, with one of its `SpinLockSteps` broken.
        case spinLockReducer = "SpinLockReducer"
        /// `SequenceScheduler`, with one of its `SequenceSteps` broken.
        case sequenceScheduler = "SequenceScheduler"
        /// `SlotReducer`, with one of its `SlotSteps` broken.
        case slotReducer = "SlotReducer"
        /// `ThreadPool` itself, with its `ShutdownSteps` broken (scheduler and reducer real).
        case threadPool = "ThreadPool"

        /// Whether the block is a scheduler (the pool's reducer stays real) or a reducer.
        public var isScheduler: Bool { self == .futexScheduler || self == .sequenceScheduler }
    }

    /// Who must catch a canary. Each one is caught by at least one, and its tests prove it.
    public enum Detector: String, Sendable, CaseIterable {
        /// `stress --self-test`: the random stress driver, in a child process.
        case stress
        /// `scripts/tsan.sh`: ThreadSanitizer reports the canary's missing ordering.
        case threadSanitizer = "tsan"
        /// The detector tests of `swift test` (the property suites', and the stress suite's
        /// resource-leak test for a pool that never joins).
        case propertyTests = "tests"
        /// `stress --explore --self-test`: controlled schedule exploration, every strategy.
        case exploration = "explore"
    }

    public var block: Block {
        switch self {
        case .lostWakeup, .noStopOnFailure, .doubleClaim, .relaxedClaim, .silentStop, .wrongWord, .claimOnWake: .futexScheduler
        case .unlockedMerge, .lateUnlock, .relaxedPublication, .checkThenLock, .dropsContribution,
             .everyThreadReceivesTotal, .doubleDecrement, .wrappingSum: .spinLockReducer
        case .stalePark, .relaxedJob, .unwokenJob, .unmarkedStop, .misplacedRemainder, .blindPublish, .wideWrap, .leakedCell,
             .acquireSleeperCheck, .acquireReleasePublish: .sequenceScheduler
        case .earlyGather, .relaxedSlot, .wrappingGather: .slotReducer
        case .neverJoins: .threadPool
        }
    }

    /// The broken scheduler, for a canary that replaces the scheduler.
    public var schedulerType: (any InspectableScheduler.Type)? {
        switch self {
        case .lostWakeup: FutexSchedulerWith<LostWakeup>.self
        case .noStopOnFailure: FutexSchedulerWith<NoStopOnFailure>.self
        case .doubleClaim: FutexSchedulerWith<DoubleClaim>.self
        case .relaxedClaim: FutexSchedulerWith<RelaxedClaim>.self
        case .silentStop: FutexSchedulerWith<SilentStop>.self
        case .wrongWord: FutexSchedulerWith<WrongWord>.self
        case .claimOnWake: FutexSchedulerWith<ClaimOnWake>.self
        case .stalePark: SequenceSchedulerWith<StalePark>.self
        case .relaxedJob: SequenceSchedulerWith<RelaxedJob>.self
        case .unwokenJob: SequenceSchedulerWith<UnwokenJob>.self
        case .unmarkedStop: SequenceSchedulerWith<UnmarkedStop>.self
        case .misplacedRemainder: SequenceSchedulerWith<MisplacedRemainder>.self
        case .blindPublish: SequenceSchedulerWith<BlindPublish>.self
        case .wideWrap: SequenceSchedulerWith<WideWrap>.self
        case .leakedCell: SequenceSchedulerWith<LeakedCell>.self
        case .acquireSleeperCheck: SequenceSchedulerWith<AcquireSleeperCheck>.self
        case .acquireReleasePublish: SequenceSchedulerWith<AcquireReleasePublish>.self
        default: nil
        }
    }

    /// The broken reducer, for a canary that replaces the reducer.
    public var reducerType: (any InspectableReducer.Type)? {
        switch self {
        case .unlockedMerge: SpinLockReducerWith<UnlockedMerge>.self
        case .lateUnlock: SpinLockReducerWith<LateUnlock>.self
        case .relaxedPublication: SpinLockReducerWith<RelaxedPublication>.self
        case .checkThenLock: SpinLockReducerWith<CheckThenLock>.self
        case .dropsContribution: SpinLockReducerWith<DropsContribution>.self
        case .everyThreadReceivesTotal: SpinLockReducerWith<EveryThreadReceivesTotal>.self
        case .doubleDecrement: SpinLockReducerWith<DoubleDecrement>.self
        case .wrappingSum: SpinLockReducerWith<WrappingSum>.self
        case .earlyGather: SlotReducerWith<EarlyGather>.self
        case .relaxedSlot: SlotReducerWith<RelaxedSlot>.self
        case .wrappingGather: SlotReducerWith<WrappingGather>.self
        default: nil
        }
    }

    /// The broken shutdown step, for a canary that replaces it (`PoolConfiguration.shutdownSteps`).
    package var shutdownSteps: (any ShutdownSteps.Type)? {
        switch self {
        case .neverJoins: NeverJoins.self
        default: nil
        }
    }

    /// The steps type that carries the bug, named after the canary.
    public var stepsType: Any.Type {
        switch self {
        case .lostWakeup: LostWakeup.self
        case .noStopOnFailure: NoStopOnFailure.self
        case .doubleClaim: DoubleClaim.self
        case .relaxedClaim: RelaxedClaim.self
        case .silentStop: SilentStop.self
        case .wrongWord: WrongWord.self
        case .unlockedMerge: UnlockedMerge.self
        case .lateUnlock: LateUnlock.self
        case .relaxedPublication: RelaxedPublication.self
        case .checkThenLock: CheckThenLock.self
        case .dropsContribution: DropsContribution.self
        case .everyThreadReceivesTotal: EveryThreadReceivesTotal.self
        case .doubleDecrement: DoubleDecrement.self
        case .wrappingSum: WrappingSum.self
        case .stalePark: StalePark.self
        case .relaxedJob: RelaxedJob.self
        case .unwokenJob: UnwokenJob.self
        case .unmarkedStop: UnmarkedStop.self
        case .earlyGather: EarlyGather.self
        case .relaxedSlot: RelaxedSlot.self
        case .wrappingGather: WrappingGather.self
        case .claimOnWake: ClaimOnWake.self
        case .neverJoins: NeverJoins.self
        case .misplacedRemainder: MisplacedRemainder.self
        case .blindPublish: BlindPublish.self
        case .wideWrap: WideWrap.self
        case .leakedCell: LeakedCell.self
        case .acquireSleeperCheck: AcquireSleeperCheck.self
        case .acquireReleasePublish: AcquireReleasePublish.self
        }
    }

    /// The one step the canary replaces, as `Protocol.requirement`.
    public var brokenStep: String {
        switch self {
        case .lostWakeup, .wrongWord: "FutexSteps.parkForTask"
        case .noStopOnFailure: "FutexSteps.raiseStopAfterFailure"
        case .doubleClaim: "FutexSteps.awaitAllClaimed"
        case .relaxedClaim: "FutexSteps.claim"
        case .silentStop: "FutexSteps.wakeAfterStop"
        case .unlockedMerge, .checkThenLock: "SpinLockSteps.acquireLock"
        case .lateUnlock: "SpinLockSteps.releaseAfterFastPath"
        case .relaxedPublication, .doubleDecrement: "SpinLockSteps.publishCount"
        case .dropsContribution, .wrappingSum: "SpinLockSteps.add"
        case .everyThreadReceivesTotal: "SpinLockSteps.isLastDecrement"
        case .stalePark: "SequenceSteps.parkForTask"
        case .relaxedJob: "SequenceSteps.advanceSequence"
        case .unwokenJob: "SequenceSteps.wakeForJob"
        case .unmarkedStop: "SequenceSteps.raiseStop"
        case .earlyGather: "SlotSteps.awaitSlot"
        case .relaxedSlot: "SlotSteps.releaseSlot"
        case .wrappingGather: "SlotSteps.add"
        case .claimOnWake: "FutexSteps.spinForTask"
        case .neverJoins: "ShutdownSteps.settleWorkers"
        case .misplacedRemainder: "SequenceSteps.share"
        case .blindPublish: "SequenceSteps.publishJob"
        case .wideWrap: "SequenceSteps.advanceSequence"
        case .leakedCell: "SequenceSteps.deallocateWords"
        case .acquireSleeperCheck: "SequenceSteps.wakeForJob"
        case .acquireReleasePublish: "SequenceSteps.advanceSequence"
        }
    }

    /// What is broken, in one line.
    public var breaks: String {
        switch self {
        case .lostWakeup: "parks on a freshly re-read task word, not the checked 0: no kernel re-check"
        case .noStopOnFailure: "a failing worker does not raise stop"
        case .doubleClaim: "no waitForStarted: a fast worker claims two tasks of one job"
        case .relaxedClaim: "the claim's fetch-sub is relaxed: the target and the caller's writes are unordered"
        case .silentStop: "stop stores the stop value but wakes no parked thread"
        case .wrongWord: "workers park on the target's word, which start never wakes"
        case .unlockedMerge: "the merge takes no lock: lost updates"
        case .lateUnlock: "the book's fast path releases a lock it never took"
        case .relaxedPublication: "the count is published relaxed: the sum is unordered"
        case .checkThenLock: "a free lock is taken by a load and a separate store: two holders"
        case .dropsContribution: "thread 1's contribution never reaches the sum"
        case .everyThreadReceivesTotal: "every locked merge returns its partial sum as the total"
        case .doubleDecrement: "the last decrement of a job takes the count below zero"
        case .wrappingSum: "a sum past UInt64.max wraps instead of failing"
        case .stalePark: "parks on a freshly re-read job word, not the sequence checked: no kernel re-check"
        case .relaxedJob: "the job word's compare-exchange is relaxed: the target and the caller's writes are unordered"
        case .unwokenJob: "start publishes the job but wakes no parked worker"
        case .unmarkedStop: "stop sets the job word's bit but not the stopped copy: a caller waiting for a failed worker's slot never sees stop"
        case .earlyGather: "the caller sums the slots without waiting for them: stale contributions"
        case .relaxedSlot: "a slot is published relaxed: its contribution is unordered"
        case .wrappingGather: "the gathered sum wraps past UInt64.max instead of failing"
        case .claimOnWake: "a worker takes any wake-up for a task: the claim underflows the task word and traps"
        case .neverJoins: "shutdown raises stop but never joins (nor detaches) its workers: their stacks stay mapped"
        case .misplacedRemainder: "a job's remainder goes to the last threads, not the first: right total, wrong shares"
        case .blindPublish: "start takes a publish that failed on a late stop for two callers at once, and traps"
        case .wideWrap: "the job sequence wraps at 2^32, not 2^31: its 2^31st job sets the stop bit and never ends"
        case .leakedCell: "the scheduler's deinit frees every page of its words but one: a page leaked per pool"
        case .acquireSleeperCheck: "the publisher's check for sleepers is acquiring, not seq_cst: the store-buffer pair loses a wake-up"
        case .acquireReleasePublish: "the job is published acquire-release, not seq_cst: the store-buffer pair loses a wake-up"
        }
    }

    /// ThreadSanitizer's ordering canaries: every value stays right on x86-64, so the stress
    /// driver cannot see them; `scripts/tsan.sh` must report them (the `tsan-only` column),
    /// and exploration's memory model catches them too.
    public var isThreadSanitizerOnly: Bool { detectors.contains(.threadSanitizer) && !detectors.contains(.stress) }

    /// Detectors that provably cannot catch it (the `missed-by` column): for the seq_cst
    /// canaries, ThreadSanitizer (no data race: it does not model seq_cst against acquire)
    /// and the stress driver (on x86-64 the weakened instruction is the same one).
    public var missedBy: [Detector] {
        switch self {
        case .acquireSleeperCheck, .acquireReleasePublish: [.threadSanitizer, .stress]
        default: []
        }
    }

    /// Who must catch it.
    public var detectors: [Detector] {
        switch self {
        // Ordering bugs: every value stays right on x86-64. ThreadSanitizer sees the data race
        // on the witness data; exploration's memory model sees a stale read or the race.
        case .relaxedClaim, .relaxedPublication, .relaxedJob, .relaxedSlot: [.threadSanitizer, .exploration]
        // seq_cst weakened in the store-buffer pair: no data race, the same x86-64 code; only
        // exploration's memory model sees the lost wake-up.
        case .acquireSleeperCheck, .acquireReleasePublish: [.exploration]
        case .silentStop, .wrongWord, .dropsContribution, .everyThreadReceivesTotal, .doubleDecrement,
             .doubleClaim, .unwokenJob, .earlyGather: [.stress, .exploration, .propertyTests]
        // Arithmetic: a sum past 2^64, which the stress work's small contributions never reach
        // under any interleaving; the property tests' contributions near 2^64 do.
        case .wrappingSum, .wrappingGather: [.propertyTests]
        case .lostWakeup, .noStopOnFailure, .unlockedMerge, .lateUnlock, .checkThenLock, .stalePark, .claimOnWake,
             .unmarkedStop: [.stress, .exploration]
        case .neverJoins: [.stress, .exploration, .propertyTests]
        // The total stays right: only an oracle of each share, independent of `Share.of`, sees it.
        case .misplacedRemainder: [.stress, .exploration]
        // Reached only by a stop between the caller's isStopped check and its publish.
        case .blindPublish: [.stress, .exploration]
        // Only a pool started just below the wrap reaches it.
        case .wideWrap: [.stress, .exploration]
        // The page ledger runs in stress, not under exploration (whose pools it would slow).
        case .leakedCell: [.stress]
        }
    }

    /// The stress self-test's flags for the child that hunts this canary: targeted faults,
    /// noise and thread counts; never a change to the canary. nil: not hunted by stress.
    public var selfTestFlags: [String]? {
        guard detectors.contains(.stress) else { return nil }
        switch self {
        case .lostWakeup, .stalePark: return ["--threads", "2,3,4", "--faults", "0.05", "--noise", "3"]
        case .noStopOnFailure, .unmarkedStop: return ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"]
        case .doubleClaim: return ["--threads", "3,4", "--faults", "0.02", "--noise", "3"]
        case .unlockedMerge: return ["--threads", "2,3,4", "--faults", "0", "--noise", "1"]
        case .lateUnlock: return ["--threads", "2,3,4", "--faults", "0.02", "--noise", "2"]
        // The hot profile: its window is a few instructions wide, so it takes many hot,
        // simultaneous arrivals (the noisy flags after it shape the default's noisy phases).
        case .checkThenLock: return ["--profile", "hot", "--threads", "2,3,4", "--faults", "0", "--noise", "1"]
        case .silentStop, .wrongWord, .unwokenJob: return ["--threads", "2,3,4", "--faults", "0.02", "--noise", "1"]
        case .earlyGather: return ["--threads", "2,3,4", "--faults", "0", "--noise", "1"]
        case .dropsContribution, .doubleDecrement: return ["--threads", "2,3,4", "--faults", "0", "--noise", "0"]
        case .everyThreadReceivesTotal: return ["--threads", "3,4", "--faults", "0", "--noise", "1"]
        // Spurious wakes are injected faults: a high rate makes them land on parked workers.
        case .claimOnWake: return ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"]
        // Pool churn, fast: no faults or noise to slow the episodes down.
        case .neverJoins: return ["--threads", "2,3,4", "--faults", "0", "--noise", "0"]
        // Any parallel job whose target the thread count does not divide.
        case .misplacedRemainder: return ["--threads", "2,3,4", "--faults", "0", "--noise", "0"]
        // Workers failing between jobs, often.
        case .blindPublish: return ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"]
        // Pool churn, fast: boundary pools are drawn per pool.
        case .wideWrap: return ["--threads", "2,3,4", "--faults", "0", "--noise", "0"]
        case .leakedCell: return ["--threads", "2,3,4", "--faults", "0", "--noise", "0"]
        case .relaxedClaim, .relaxedPublication, .wrappingSum, .relaxedJob, .relaxedSlot, .wrappingGather,
             .acquireSleeperCheck, .acquireReleasePublish: return nil
        }
    }

    /// The registry as a tab-separated table with a header line: what `stress
    /// --list-canaries` prints and the scripts read.
    public static var table: String {
        var lines = ["name\tblock\tbroken-step\tdetected-by\ttsan-only\tself-test-flags\tbreaks\tmissed-by"]
        for canary in allCases {
            lines.append([
                canary.rawValue, canary.block.rawValue, canary.brokenStep,
                canary.detectors.map(\.rawValue).joined(separator: ","),
                canary.isThreadSanitizerOnly ? "yes" : "no",
                canary.selfTestFlags?.joined(separator: " ") ?? "-",
                canary.breaks,
                canary.missedBy.isEmpty ? "-" : canary.missedBy.map(\.rawValue).joined(separator: ","),
            ].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
