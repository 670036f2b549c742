/// When each phase of a run happens: a pure function of the time since the run started.
///
/// With both phases, the run repeats a cycle of `noisySeconds` of noisy phase, then
/// `hotSeconds` of hot phase. A noisy phase comes first, so that a run whose liveness bug
/// shows in its first seconds (the self-test's stall canaries) is not delayed; the hot phase
/// follows within `noisySeconds`. Only which episodes run depends on time; every episode
/// itself is a pure function of the seed (`StressPlan.episode`), so replays stay exact.
public struct PhaseSchedule: Sendable, Equatable {
    /// Length of a noisy phase, and of a hot phase, when a run alternates.
    public static let noisySeconds = 2.0
    public static let hotSeconds = 1.0

    /// The phases this run alternates between, in cycle order; never empty.
    public let phases: [StressPhase]

    public init(phases: [StressPhase]) {
        precondition(!phases.isEmpty, "PhaseSchedule needs at least one phase")
        self.phases = phases
    }

    /// The phase for each profile: `hot` phases only where `hotPossible` (a thread count in
    /// 2 ... CPUs), else a `default` run is noisy throughout.
    public init(profile: StressProfile, hotPossible: Bool) {
        let phases = profile.phases.filter { $0 != .hot || hotPossible }
        self.init(phases: phases.isEmpty ? [.noisy] : phases)
    }

    public var alternates: Bool { phases.count > 1 }

    static func length(of phase: StressPhase) -> Double {
        phase == .hot ? hotSeconds : noisySeconds
    }

    var cycleSeconds: Double { phases.reduce(0) { $0 + Self.length(of: $1) } }

    /// The phase at `seconds` since the run started.
    public func phase(atSeconds seconds: Double) -> StressPhase {
        guard alternates else { return phases[0] }
        var offset = seconds.truncatingRemainder(dividingBy: cycleSeconds)
        for phase in phases {
            offset -= Self.length(of: phase)
            if offset < 0 { return phase }
        }
        return phases[phases.count - 1]
    }

    /// Seconds spent in `phase` during the first `elapsed` seconds of the run.
    public func seconds(in phase: StressPhase, elapsed: Double) -> Double {
        guard phases.contains(phase) else { return 0 }
        guard alternates else { return elapsed }
        let cycles = (elapsed / cycleSeconds).rounded(.down)
        var total = cycles * Self.length(of: phase)
        var start = cycles * cycleSeconds
        for candidate in phases {
            let end = start + Self.length(of: candidate)
            if candidate == phase { total += max(0, min(elapsed, end) - start) }
            start = end
        }
        return total
    }

    /// How the summary and the header describe it.
    public var description: String {
        guard alternates else { return "\(phases[0]) throughout" }
        return phases.map { "\($0.rawValue) \(Int(Self.length(of: $0))) s" }.joined(separator: ", then ") + ", repeated"
    }
}
