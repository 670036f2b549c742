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
///
/// Each canary is one entry of data (`entry`, a `CanaryEntry` built by its block's
/// constructor): adding a canary is adding a case and its entry, nothing else.
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
    case narrowGather = "narrow-gather"

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

    /// This canary's entry: everything the registry says of it, in one place.
    public var entry: CanaryEntry {
        switch self {
        case .lostWakeup:
            .futex(LostWakeup.self,
                   step: "parkForTask",
                   breaks: "parks on a freshly re-read task word, not the checked 0: no kernel re-check",
                   detectors: [.stress, .exploration],
                   flags: ["--threads", "2,3,4", "--faults", "0.05", "--noise", "3"])
        case .noStopOnFailure:
            .futex(NoStopOnFailure.self,
                   step: "raiseStopAfterFailure",
                   breaks: "a failing worker does not raise stop",
                   detectors: [.stress, .exploration],
                   flags: ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"])
        case .doubleClaim:
            .futex(DoubleClaim.self,
                   step: "awaitAllClaimed",
                   breaks: "no waitForStarted: a fast worker claims two tasks of one job",
                   detectors: [.stress, .exploration, .propertyTests],
                   flags: ["--threads", "3,4", "--faults", "0.02", "--noise", "3"])
        // Ordering: every value stays right on x86-64. ThreadSanitizer sees the data race on the witness
        // data; exploration's memory model sees a stale read or the race.
        case .relaxedClaim:
            .futex(RelaxedClaim.self,
                   step: "claim",
                   breaks: "the claim's fetch-sub is relaxed: the target and the caller's writes are unordered",
                   detectors: [.threadSanitizer, .exploration])
        case .silentStop:
            .futex(SilentStop.self,
                   step: "wakeAfterStop",
                   breaks: "stop stores the stop value but wakes no parked thread",
                   detectors: [.stress, .exploration, .propertyTests],
                   flags: ["--threads", "2,3,4", "--faults", "0.02", "--noise", "1"])
        case .wrongWord:
            .futex(WrongWord.self,
                   step: "parkForTask",
                   breaks: "workers park on the target's word, which start never wakes",
                   detectors: [.stress, .exploration, .propertyTests],
                   flags: ["--threads", "2,3,4", "--faults", "0.02", "--noise", "1"])
        case .unlockedMerge:
            .spinLock(UnlockedMerge.self,
                      step: "acquireLock",
                      breaks: "the merge takes no lock: lost updates",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "1"])
        case .lateUnlock:
            .spinLock(LateUnlock.self,
                      step: "releaseAfterFastPath",
                      breaks: "the book's fast path releases a lock it never took",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0.02", "--noise", "2"])
        // Ordering, as relaxed-claim.
        case .relaxedPublication:
            .spinLock(RelaxedPublication.self,
                      step: "publishCount",
                      breaks: "the count is published relaxed: the sum is unordered",
                      detectors: [.threadSanitizer, .exploration])
        // The hot profile: its window is a few instructions wide, so it takes many hot, simultaneous
        // arrivals (the noisy flags after it shape the default's noisy phases).
        case .checkThenLock:
            .spinLock(CheckThenLock.self,
                      step: "acquireLock",
                      breaks: "a free lock is taken by a load and a separate store: two holders",
                      detectors: [.stress, .exploration],
                      flags: ["--profile", "hot", "--threads", "2,3,4", "--faults", "0", "--noise", "1"])
        case .dropsContribution:
            .spinLock(DropsContribution.self,
                      step: "add",
                      breaks: "thread 1's contribution never reaches the sum",
                      detectors: [.stress, .exploration, .propertyTests],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        case .everyThreadReceivesTotal:
            .spinLock(EveryThreadReceivesTotal.self,
                      step: "isLastDecrement",
                      breaks: "every locked merge returns its partial sum as the total",
                      detectors: [.stress, .exploration, .propertyTests],
                      flags: ["--threads", "3,4", "--faults", "0", "--noise", "1"])
        case .doubleDecrement:
            .spinLock(DoubleDecrement.self,
                      step: "publishCount",
                      breaks: "the last decrement of a job takes the count below zero",
                      detectors: [.stress, .exploration, .propertyTests],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        // Arithmetic: a sum past 2^64, which the stress work's small contributions never reach under any
        // interleaving; the property tests' contributions near 2^64 do.
        case .wrappingSum:
            .spinLock(WrappingSum.self,
                      step: "add",
                      breaks: "a sum past UInt64.max wraps instead of failing",
                      detectors: [.propertyTests])
        case .stalePark:
            .sequence(StalePark.self,
                      step: "parkForTask",
                      breaks: "parks on a freshly re-read job word, not the sequence checked: no kernel re-check",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0.05", "--noise", "3"])
        // Ordering, as relaxed-claim.
        case .relaxedJob:
            .sequence(RelaxedJob.self,
                      step: "advanceSequence",
                      breaks: "the job word's compare-exchange is relaxed: the target and the caller's writes are unordered",
                      detectors: [.threadSanitizer, .exploration])
        case .unwokenJob:
            .sequence(UnwokenJob.self,
                      step: "wakeForJob",
                      breaks: "start publishes the job but wakes no parked worker",
                      detectors: [.stress, .exploration, .propertyTests],
                      flags: ["--threads", "2,3,4", "--faults", "0.02", "--noise", "1"])
        case .unmarkedStop:
            .sequence(UnmarkedStop.self,
                      step: "raiseStop",
                      breaks: "stop sets the job word's bit but not the stopped copy: a caller waiting for a failed worker's slot never sees stop",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"])
        case .earlyGather:
            .slot(EarlyGather.self,
                  step: "awaitSlot",
                  breaks: "the caller sums the slots without waiting for them: stale contributions",
                  detectors: [.stress, .exploration, .propertyTests],
                  flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "1"])
        // Ordering, as relaxed-claim.
        case .relaxedSlot:
            .slot(RelaxedSlot.self,
                  step: "releaseSlot",
                  breaks: "a slot is published relaxed: its contribution is unordered",
                  detectors: [.threadSanitizer, .exploration])
        // Arithmetic, as wrapping-sum.
        case .wrappingGather:
            .slot(WrappingGather.self,
                  step: "add",
                  breaks: "the gathered sum wraps past UInt64.max instead of failing",
                  detectors: [.propertyTests])
        // Spurious wakes are injected faults: a high rate makes them land on parked workers.
        case .claimOnWake:
            .futex(ClaimOnWake.self,
                   step: "spinForTask",
                   breaks: "a worker takes any wake-up for a task: the claim underflows the task word and traps",
                   detectors: [.stress, .exploration],
                   flags: ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"])
        // Pool churn, fast: no faults or noise to slow the episodes down.
        case .neverJoins:
            .threadPool(NeverJoins.self,
                        step: "settleWorkers",
                        breaks: "shutdown raises stop but never joins (nor detaches) its workers: their stacks stay mapped",
                        detectors: [.stress, .exploration, .propertyTests],
                        flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        // The total stays right: only an oracle of each share, independent of `Share.of`, sees it; any
        // parallel job whose target the thread count does not divide reaches it.
        case .misplacedRemainder:
            .sequence(MisplacedRemainder.self,
                      step: "share",
                      breaks: "a job's remainder goes to the last threads, not the first: right total, wrong shares",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        // Reached only by a stop between the caller's isStopped check and its publish: workers failing
        // between jobs, often.
        case .blindPublish:
            .sequence(BlindPublish.self,
                      step: "publishJob",
                      breaks: "start takes a publish that failed on a late stop for two callers at once, and traps",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0.3", "--noise", "1"])
        // Only a pool started just below the wrap reaches it; boundary pools are drawn per pool, so churn
        // fast.
        case .wideWrap:
            .sequence(WideWrap.self,
                      step: "advanceSequence",
                      breaks: "the job sequence wraps at 2^32, not 2^31: its 2^31st job sets the stop bit and never ends",
                      detectors: [.stress, .exploration],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        // The page ledger runs in stress, not under exploration (whose pools it would slow).
        case .leakedCell:
            .sequence(LeakedCell.self,
                      step: "deallocateWords",
                      breaks: "the scheduler's deinit frees every page of its words but one: a page leaked per pool",
                      detectors: [.stress],
                      flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        // seq_cst weakened in the store-buffer pair: no data race, the same x86-64 code; only
        // exploration's memory model sees the lost wake-up.
        case .acquireSleeperCheck:
            .sequence(AcquireSleeperCheck.self,
                      step: "wakeForJob",
                      breaks: "the publisher's check for sleepers is acquiring, not seq_cst: the store-buffer pair loses a wake-up",
                      detectors: [.exploration],
                      missedBy: [.threadSanitizer, .stress])
        // seq_cst weakened in the store-buffer pair, as acquire-sleeper-check.
        case .acquireReleasePublish:
            .sequence(AcquireReleasePublish.self,
                      step: "advanceSequence",
                      breaks: "the job is published acquire-release, not seq_cst: the store-buffer pair loses a wake-up",
                      detectors: [.exploration],
                      missedBy: [.threadSanitizer, .stress])
        // Only a total in 2^63 ..< 2^64 shows it: the driver's boundary jobs reach one in
        // four jobs, on every reducer path, with no faults or noise needed.
        case .narrowGather:
            .slot(NarrowGather.self,
                  step: "add",
                  breaks: "the gather calls a total of 2^63 or more an overflow: a right job near UInt64.max fails",
                  detectors: [.stress, .exploration],
                  flags: ["--threads", "2,3,4", "--faults", "0", "--noise", "0"])
        }
    }

    /// The broken scheduler, for a canary that replaces the scheduler.
    package var schedulerType: (any InspectableScheduler.Type)? { entry.schedulerType }

    /// The broken reducer, for a canary that replaces the reducer.
    package var reducerType: (any InspectableReducer.Type)? { entry.reducerType }

    /// The broken shutdown step, for a canary that replaces it (`PoolConfiguration.shutdownSteps`).
    package var shutdownSteps: (any ShutdownSteps.Type)? { entry.shutdownSteps }

    /// The building block a canary replaces.
    public var block: Block { entry.block }

    /// The steps type that carries the bug, named after the canary.
    public var stepsType: Any.Type { entry.stepsType }

    /// The one step the canary replaces, as `Protocol.requirement`.
    public var brokenStep: String { entry.brokenStep }

    /// What is broken, in one line.
    public var breaks: String { entry.breaks }

    /// ThreadSanitizer's ordering canaries: every value stays right on x86-64, so the stress
    /// driver cannot see them; `scripts/tsan.sh` must report them (the `tsan-only` column),
    /// and exploration's memory model catches them too.
    public var isThreadSanitizerOnly: Bool { detectors.contains(.threadSanitizer) && !detectors.contains(.stress) }

    /// Detectors that provably cannot catch it (the `missed-by` column): for the seq_cst
    /// canaries, ThreadSanitizer (no data race: it does not model seq_cst against acquire)
    /// and the stress driver (on x86-64 the weakened instruction is the same one).
    public var missedBy: [Detector] { entry.missedBy }

    /// Who must catch it.
    public var detectors: [Detector] { entry.detectors }

    /// The stress self-test's flags for the child that hunts this canary: targeted faults,
    /// noise and thread counts; never a change to the canary. nil: not hunted by stress.
    public var selfTestFlags: [String]? { detectors.contains(.stress) ? entry.selfTestFlags : nil }

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
