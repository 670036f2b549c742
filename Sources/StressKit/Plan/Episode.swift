import Pool

/// How an episode's pool spins: the three named policies, or one drawn from the seed.
public enum SpinChoice: Sendable, Hashable, CustomStringConvertible {
    case standard
    case parkImmediately
    case spinLong
    case drawn(busyChecks: Int, backoffCap: Int, yieldMicroseconds: Int)

    public var policy: SpinPolicy {
        switch self {
        case .standard: .default
        case .parkImmediately: .parkImmediately
        case .spinLong: .spinLong
        case .drawn(let busyChecks, let backoffCap, let yieldMicroseconds):
            SpinPolicy(busyChecks: busyChecks, backoffCap: backoffCap, yieldPhase: .microseconds(yieldMicroseconds))
        }
    }

    public var description: String {
        switch self {
        case .standard: "default"
        case .parkImmediately: "park-immediately"
        case .spinLong: "spin-long"
        case .drawn(let busyChecks, let backoffCap, let yieldMicroseconds): "spin(\(busyChecks),\(backoffCap),\(yieldMicroseconds)µs)"
        }
    }
}

/// One job of an episode.
public struct PlannedJob: Sendable, Hashable {
    public var target: UInt64
    /// The caller idles this long before the job (0: back to back), so that workers park.
    public var gapMicroseconds: UInt32
    public var fault: PlannedFault?
}

/// A pool configuration and the jobs to run on it. A pool that an injected failure stopped
/// is replaced by a new one with the same configuration for the remaining jobs.
public struct Episode: Sendable, Hashable {
    public var index: Int
    public var scheduler: SchedulerKind
    public var reducer: ReducerKind
    public var threadCount: Int
    public var spin: SpinChoice
    public var pinning: Bool
    /// 0 (off) ... 3: how often and how long the probe delays threads.
    public var noiseLevel: Int
    public var jobs: [PlannedJob]
    /// The phase the episode belongs to (`StressPlan.hotEpisode` draws the hot ones).
    public var phase: StressPhase = .noisy

    public var configurationLabel: String {
        "\(scheduler.rawValue)+\(reducer.rawValue) x\(threadCount) \(spin) pinning=\(pinning) noise=\(noiseLevel)" + (phase == .hot ? " hot" : "")
    }
}
