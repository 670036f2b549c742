/// How a stress run spends its time (`--profile`).
///
/// - `hot`: many hot hand-offs per second, for races whose window is a few instructions
///   wide: one caller thread, pools of 2 ... CPUs threads (never more threads than CPUs),
///   spinning workers, no noise, no faults, no gaps between jobs, small targets, long-lived
///   pools. Every check stays on (`StressPlan.hotEpisode`).
/// - `noisy`: the stress driver as it was before the hot profile: two caller threads,
///   1 ... 2 × CPUs threads, every spin policy, noise, faults, gaps, stalls and pool churn,
///   for liveness bugs (lost wake-ups, stops that never come).
/// - `default`: alternates the two (`PhaseSchedule`): a noisy phase, then a hot one, and so
///   on, so that one run exercises both kinds of race.
public enum StressProfile: String, CaseIterable, Sendable, Hashable {
    case `default`
    case hot
    case noisy

    /// The phases this profile runs, before checking whether hot phases are possible.
    public var phases: [StressPhase] {
        switch self {
        case .default: [.noisy, .hot]
        case .hot: [.hot]
        case .noisy: [.noisy]
        }
    }
}

/// The two kinds of phase a run alternates between; each episode belongs to one
/// (`Episode.phase`), and the summary reports jobs/s and race coverage per phase.
public enum StressPhase: String, CaseIterable, Sendable, Hashable, Codable {
    case hot
    case noisy

    /// The caller threads that run episodes in this phase: one in a hot phase, so that a pool
    /// of as many threads as CPUs has the machine to itself; every one in a noisy phase.
    public func runsEpisodes(onCaller index: Int) -> Bool {
        self == .noisy || index == 0
    }
}
