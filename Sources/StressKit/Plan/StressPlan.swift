import Canaries
import Pool
import PoolSupport

/// The run's plan: an endless sequence of episodes, each a pure function of the seed, the
/// plan-shaping options and its index. Thread timing differs between runs; the plan never.
///
/// Two streams of episodes share the index space: noisy episodes are numbered from 0,
/// hot ones (`hotEpisode`) from `hotEpisodeBase`, so that an episode number alone says
/// which it is, in a replay command, a dump or a report.
public struct StressPlan: Sendable {
    public let seed: UInt64
    public let threadCounts: [Int]
    /// The thread counts of hot episodes: those of `threadCounts` in 2 ... CPUs (empty:
    /// this run has no hot phase).
    public let hotThreadCounts: [Int]
    public let schedulers: [SchedulerKind]
    public let reducers: [ReducerKind]
    public let faultRate: Double
    public let noiseLevel: Int
    /// Some canaries only make sense on some configurations (a scheduler canary replaces the
    /// futex scheduler); the plan is drawn from those.
    public let variant: Canary?

    /// The digest covers this many episodes: enough to pin the plan down.
    public static let digestEpisodes = 64
    /// The hot plan's digest covers fewer: each hot episode has thousands of jobs.
    public static let hotDigestEpisodes = 8
    /// The number of the first hot episode. The noisy stream, a few episodes a second,
    /// would need years to reach it.
    public static let hotEpisodeBase = 1_000_000_000

    public init(seed: UInt64, options: StressOptions) {
        self.seed = seed
        threadCounts = options.effectiveThreadCounts
        hotThreadCounts = options.hotThreadCounts
        schedulers = Self.schedulers(for: options.variant, requested: options.schedulers)
        reducers = Self.reducers(for: options.variant, requested: options.reducers)
        faultRate = options.faultRate
        noiseLevel = options.noiseLevel
        variant = options.variant
    }

    /// A scheduler canary replaces its own block: episodes of other schedulers would not
    /// exercise it.
    static func schedulers(for variant: Canary?, requested: [SchedulerKind]) -> [SchedulerKind] {
        switch variant?.block {
        case .futexScheduler: [.futex]
        case .sequenceScheduler: [.sequence]
        default: requested
        }
    }

    /// A reducer canary replaces its own block, so the episodes name it.
    static func reducers(for variant: Canary?, requested: [ReducerKind]) -> [ReducerKind] {
        switch variant?.block {
        case .spinLockReducer: [.spinlock]
        case .slotReducer: [.slot]
        default: requested
        }
    }

    /// The stream episode `index` draws its reducer from: apart from the main stream, so that
    /// `--reducer spinlock` leaves every other draw of a plan as it was before reducers were
    /// drawn.
    static func reducerStream(of index: Int) -> UInt64 { UInt64(index) ^ 0x5EED_0000_0000_0000 }

    /// Episode `index`: a hot one from `hotEpisodeBase` on, else a noisy one.
    public func episode(_ index: Int) -> Episode {
        if index >= Self.hotEpisodeBase { return hotEpisode(index) }
        var random = SplitMix64(seed: seed, stream: UInt64(index))
        let scheduler = random.pick(schedulers)
        var reducerRandom = SplitMix64(seed: seed, stream: Self.reducerStream(of: index))
        let reducer = reducerRandom.pick(reducers)
        let threadCount = random.pick(threadCounts)
        let spin: SpinChoice
        switch random.below(16) {
        case 0..<6: spin = .standard
        case 6..<11: spin = .parkImmediately
        case 11: spin = .spinLong
        default:
            spin = .drawn(busyChecks: random.within(0...2048), backoffCap: random.within(1...16),
                          yieldMicroseconds: random.within(0...200))
        }
        let pinning = random.chance(0.25)
        let noise = random.within(0...noiseLevel)
        // Mostly short episodes: pool churn is part of the stress.
        let jobCount = random.chance(0.3) ? random.within(1...8) : random.within(20...600)
        var jobs: [PlannedJob] = []
        jobs.reserveCapacity(jobCount)
        for _ in 0..<jobCount {
            jobs.append(job(threadCount: threadCount, scheduler: scheduler, random: &random))
        }
        return Episode(index: index, scheduler: scheduler, reducer: reducer, threadCount: threadCount, spin: spin,
                       pinning: pinning, noiseLevel: noise, jobs: jobs)
    }

    /// Hot episode `index` (from `hotEpisodeBase`): a long-lived pool of 2 ... CPUs threads
    /// with spinning workers, thousands of small jobs back to back, no fault, no noise. The
    /// targets are small so that the threads' shares, and their arrivals at the reducer,
    /// stay within a few hundred nanoseconds of each other: many hot hand-offs per second.
    public func hotEpisode(_ index: Int) -> Episode {
        precondition(index >= Self.hotEpisodeBase, "hot episodes are numbered from \(Self.hotEpisodeBase), not \(index)")
        precondition(!hotThreadCounts.isEmpty, "this plan has no thread count for hot episodes (2 ... CPUs)")
        var random = SplitMix64(seed: seed, stream: UInt64(index))
        var reducerRandom = SplitMix64(seed: seed, stream: Self.reducerStream(of: index))
        let reducer = reducerRandom.pick(reducers)
        let scheduler = random.pick(schedulers)
        let threadCount = random.pick(hotThreadCounts)
        // Both keep a worker spinning across back-to-back jobs; spin-long also polls slower.
        let spin: SpinChoice = random.below(4) == 0 ? .spinLong : .standard
        let pinning = random.chance(0.25)
        let jobCount = random.within(4096...16384)
        let threads = UInt64(threadCount)
        let boundaries: [UInt64] = [0, 1, threads - 1, threads, threads + 1, 2 * threads - 1, 2 * threads]
        var jobs: [PlannedJob] = []
        jobs.reserveCapacity(jobCount)
        for _ in 0..<jobCount {
            let target: UInt64
            switch random.below(8) {
            case 0: target = random.pick(boundaries)
            case 1..<6: target = 1 + random.below(64)
            default: target = 64 + random.below(448)
            }
            jobs.append(PlannedJob(target: target, gapMicroseconds: 0, fault: nil))
        }
        return Episode(index: index, scheduler: scheduler, reducer: reducer, threadCount: threadCount, spin: spin,
                       pinning: pinning, noiseLevel: 0, jobs: jobs, phase: .hot)
    }

    func job(threadCount: Int, scheduler: SchedulerKind, random: inout SplitMix64) -> PlannedJob {
        let threads = UInt64(threadCount)
        let target: UInt64
        switch random.below(100) {
        case 0..<25: target = random.below(65)
        case 25..<45:
            // Boundaries: empty, one item, fewer items than threads, one per thread, one more.
            let boundaries: [UInt64] = [0, 1, 2, threads &- 1, threads, threads + 1, 2 * threads - 1, 2 * threads, 255, 256, 4095, 4096]
            target = random.pick(boundaries)
        case 45..<88: target = 65 + random.below(8192)
        case 88..<99: target = 8192 + random.below(1 << 17)
        default: target = random.chance(0.3) ? (1 << 20) + random.below(1 << 21) : (1 << 17) + random.below(1 << 18)
        }
        var gap: UInt32 = 0
        if random.chance(0.02) { gap = UInt32(random.below(2000)) }
        var fault: PlannedFault?
        if faultRate > 0 && random.chance(faultRate) {
            fault = plannedFault(threadCount: threadCount, scheduler: scheduler, random: &random)
            if fault!.kind == .longStall { gap = max(gap, fault!.stallMicroseconds) }
        }
        return PlannedJob(target: target, gapMicroseconds: gap, fault: fault)
    }

    func plannedFault(threadCount: Int, scheduler: SchedulerKind, random: inout SplitMix64) -> PlannedFault {
        let kind = random.pick(FaultKind.allCases)
        let thread = Int(random.below(UInt64(threadCount)))
        let points = Self.points(thread: thread, scheduler: scheduler)
        let point = kind == .shareThrow ? ProbePoint.shareDone : random.pick(points)
        let stall = kind == .longStall ? UInt32(1000 + random.below(19_000)) : 0
        return PlannedFault(kind: kind, thread: thread, point: point, stallMicroseconds: stall)
    }

    /// Points a thread passes in a job (some only sometimes: a thread that never parks never
    /// reaches `beforePark`). `stopRaised` is excluded: a throw there is ignored by design.
    /// `barrierCompleted` and `beforePublish` are excluded too: they came after the plans were
    /// pinned, and drawing them would change every seed's plan (and every replay command
    /// printed since). `beforePublish` is the caller's anyway.
    static func points(thread: Int, scheduler: SchedulerKind) -> [ProbePoint] {
        if thread == 0 {
            var points: [ProbePoint] = [.jobStarted, .shareDone, .beforeMerge, .lockTaken, .countDecremented, .lockReleasing, .totalReceived]
            if scheduler == .basic { points += [.beforePark, .afterWake] }
            return points
        }
        return ProbePoint.allCases.filter { $0 != .stopRaised && $0 != .jobStarted && $0 != .barrierCompleted && $0 != .beforePublish }
    }

    /// FNV-1a over the canonical text of `count` episodes from `first`.
    public func digest(from first: Int = 0, count: Int = StressPlan.digestEpisodes) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            var remaining = value
            for _ in 0..<8 {
                hash = (hash ^ (remaining & 0xFF)) &* 0x0000_0100_0000_01B3
                remaining >>= 8
            }
        }
        for index in first..<(first + count) {
            let episode = episode(index)
            for byte in episode.configurationLabel.utf8 { mix(UInt64(byte)) }
            mix(UInt64(episode.index))
            for job in episode.jobs {
                mix(job.target)
                mix(UInt64(job.gapMicroseconds))
                if let fault = job.fault {
                    for byte in fault.label.utf8 { mix(UInt64(byte)) }
                    mix(UInt64(fault.stallMicroseconds))
                }
            }
        }
        return hash
    }

    /// The hot plan's digest: `hotDigestEpisodes` hot episodes from `hotEpisodeBase`; nil
    /// when the plan has no hot episode.
    public var hotDigest: UInt64? {
        hotThreadCounts.isEmpty ? nil : digest(from: Self.hotEpisodeBase, count: Self.hotDigestEpisodes)
    }
}
