#if Exploration
import Pool
import PoolSupport

/// The scenarios of `stress --explore`: the same kind of episode as the stress plan draws
/// (a scheduler, a reducer, 2 to 4 threads, jobs, faults at probe points, the stop that a fault raises,
/// and the shutdown at the end), drawn small enough that one schedule takes about a
/// millisecond: a few jobs with small targets, no noise, no idle gaps, no long stalls (a
/// delay is what the controller's choices already are) and no pinning.
///
/// Scenario `index` is a pure function of the seed and the options, like a plan's episode.
/// Its text form (`text`, `init(text:)`) is what a replay command carries, so that a shrunk
/// scenario, which no seed draws, replays too:
///
///     futex:3:12,5+throw-at-point@lock-taken/t1,0+throw-in-share@share/t2
///     sequence+slot:2:7
///
/// that is: scheduler (and `+reducer` when it is not the spin-lock reducer), thread count,
/// then the jobs' targets, each with its fault if any (`FaultKind` raw value, `@`, the probe
/// point with dashes for spaces or `share`, `/t`, the thread).
public struct ExplorationScenarios: Sendable {
    public let seed: UInt64
    public let threadCounts: [Int]
    public let schedulers: [SchedulerKind]
    public let reducers: [ReducerKind]
    public let faultRate: Double
    public let jobCounts: ClosedRange<Int>

    /// The fault kinds a scenario may carry: a long stall is only a delay, which the
    /// controller explores anyway, and it would cost real time.
    static let faultKinds: [FaultKind] = [.shareThrow, .protocolThrow, .spuriousWake]

    public init(seed: UInt64, threadCounts: [Int], schedulers: [SchedulerKind], reducers: [ReducerKind],
                faultRate: Double, jobCounts: ClosedRange<Int>) {
        self.seed = seed
        self.threadCounts = threadCounts
        self.schedulers = schedulers
        self.reducers = reducers
        self.faultRate = faultRate
        self.jobCounts = jobCounts
    }

    /// Scenario `index`.
    public func episode(_ index: Int) -> Episode {
        var random = SplitMix64(seed: seed, stream: UInt64(index))
        // The reducer from a stream of its own, as the stress plan draws it: a spin-lock-only
        // exploration draws exactly the scenarios it drew before reducers were drawn.
        var reducerRandom = SplitMix64(seed: seed, stream: StressPlan.reducerStream(of: index))
        let reducer = reducerRandom.pick(reducers)
        let scheduler = random.pick(schedulers)
        let threadCount = random.pick(threadCounts)
        let jobCount = random.within(jobCounts)
        var jobs: [PlannedJob] = []
        for _ in 0..<jobCount {
            let threads = UInt64(threadCount)
            let target = random.chance(0.4)
                ? random.pick([0, 1, threads - 1, threads, threads + 1, 2 * threads])
                : UInt64(random.within(2...32))
            var fault: PlannedFault?
            if faultRate > 0 && random.chance(faultRate) {
                let kind = random.pick(Self.faultKinds)
                let thread = Int(random.below(threads))
                let point = kind == .shareThrow ? ProbePoint.shareDone
                    : random.pick(StressPlan.points(thread: thread, scheduler: scheduler))
                fault = PlannedFault(kind: kind, thread: thread, point: point, stallMicroseconds: 0)
            }
            jobs.append(PlannedJob(target: target, gapMicroseconds: 0, fault: fault))
        }
        return Self.episode(index: index, scheduler: scheduler, reducer: reducer, threadCount: threadCount, jobs: jobs)
    }

    static func episode(index: Int, scheduler: SchedulerKind, reducer: ReducerKind, threadCount: Int,
                        jobs: [PlannedJob]) -> Episode {
        Episode(index: index, scheduler: scheduler, reducer: reducer, threadCount: threadCount, spin: .standard,
                pinning: false, noiseLevel: 0, jobs: jobs)
    }
}

/// Parsing of a scenario's text form.
public enum ScenarioText {
    /// A probe point's name with dashes for spaces: "lock-taken".
    static func name(of point: ProbePoint) -> String { point.scenarioName }

    /// The scenario `text` describes, with `index` as its episode number; the error says
    /// what is wrong.
    public static func parse(_ text: String, index: Int = 0) throws(StressUsageError) -> Episode {
        // A trailing `#N` is the episode's number (see `Episode.scenarioText`).
        if let hash = text.lastIndex(of: "#") {
            guard let number = Int(text[text.index(after: hash)...]), number >= 0 else {
                throw StressUsageError("--scenario: '#' must be followed by the episode's number, like futex:2:5,3#8; not '\(text)'")
            }
            return try parse(String(text[..<hash]), index: number)
        }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        let blocks = parts.first.map { $0.split(separator: "+", maxSplits: 1).map(String.init) } ?? []
        guard parts.count == 3, let scheduler = blocks.first.flatMap(SchedulerKind.init(rawValue:)),
              let reducer = blocks.count == 2 ? ReducerKind(rawValue: blocks[1]) : .spinlock,
              let threadCount = Int(parts[1]), (2...ScheduleRunLimits.maximumThreads).contains(threadCount) else {
            throw StressUsageError("--scenario needs SCHEDULER[+REDUCER]:THREADS:JOBS with a scheduler (\(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", "))), a reducer (\(ReducerKind.allCases.map(\.rawValue).joined(separator: ", ")); default spinlock) and 2 ... \(ScheduleRunLimits.maximumThreads) threads, like futex:3:12,5 or sequence+slot:2:7; not '\(text)'")
        }
        var jobs: [PlannedJob] = []
        for jobText in parts[2].split(separator: ",") {
            let pieces = jobText.split(separator: "+", maxSplits: 1)
            guard let target = UInt64(pieces[0]), target <= 1 << 20 else {
                throw StressUsageError("--scenario: a job's target must be a number up to 1048576, not '\(pieces[0])' in '\(text)'")
            }
            var fault: PlannedFault?
            if pieces.count == 2 { fault = try parseFault(String(pieces[1]), threadCount: threadCount, in: text) }
            jobs.append(PlannedJob(target: target, gapMicroseconds: 0, fault: fault))
        }
        guard !jobs.isEmpty else { throw StressUsageError("--scenario needs at least one job, like futex:2:5; '\(text)' has none") }
        return ExplorationScenarios.episode(index: index, scheduler: scheduler, reducer: reducer, threadCount: threadCount, jobs: jobs)
    }

    static func parseFault(_ text: String, threadCount: Int, in scenario: String) throws(StressUsageError) -> PlannedFault {
        let kindAndRest = text.split(separator: "@", maxSplits: 1)
        let pointAndThread = kindAndRest.count == 2 ? kindAndRest[1].split(separator: "/", maxSplits: 1) : []
        guard let kind = FaultKind(rawValue: String(kindAndRest[0])), ExplorationScenarios.faultKinds.contains(kind),
              pointAndThread.count == 2, pointAndThread[1].hasPrefix("t"),
              let thread = Int(pointAndThread[1].dropFirst()), (0..<threadCount).contains(thread) else {
            throw StressUsageError("--scenario: a fault is KIND@POINT/tTHREAD with KIND one of \(ExplorationScenarios.faultKinds.map(\.rawValue).joined(separator: ", ")) and a thread below the thread count, like throw-at-point@lock-taken/t1; not '\(text)' in '\(scenario)'")
        }
        let pointName = String(pointAndThread[0])
        let point: ProbePoint
        if kind == .shareThrow {
            guard pointName == "share" else { throw StressUsageError("--scenario: a throw-in-share fault's point is 'share', not '\(pointName)'") }
            point = .shareDone
        } else if let named = ProbePoint.allCases.first(where: { name(of: $0) == pointName }) {
            point = named
        } else {
            throw StressUsageError("--scenario: unknown probe point '\(pointName)'; known: \(ProbePoint.allCases.map(name(of:)).joined(separator: ", "))")
        }
        return PlannedFault(kind: kind, thread: thread, point: point, stallMicroseconds: 0)
    }
}

#endif
