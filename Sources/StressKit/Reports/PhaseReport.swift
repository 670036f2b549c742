/// What one kind of phase (`StressPhase`) did over a run: the time it had, the jobs and
/// episodes it ran, and their rate. A section of the stress report (`StressSummary.perPhase`).
///
/// Invariant: `jobsPerSecond` is `jobs / seconds`, rounded down (0 when `seconds` is 0).
public struct PhaseReport: Codable, Sendable, Equatable {
    /// `StressPhase.rawValue`.
    public var phase: String
    /// Wall time in this phase, rounded to milliseconds.
    public var seconds: Double
    public var jobs: UInt64
    public var episodes: UInt64
    public var jobsPerSecond: Int

    public init(phase: String, seconds: Double, jobs: UInt64, episodes: UInt64) {
        self.phase = phase
        self.seconds = (seconds * 1000).rounded() / 1000
        self.jobs = jobs
        self.episodes = episodes
        jobsPerSecond = seconds > 0 ? Int(Double(jobs) / seconds) : 0
    }

    /// "hot phases: 20.0 s, 2400000 jobs = 120000 jobs/s, 12 episodes".
    public var line: String {
        "\(phase) phases: \(format3(seconds)) s, \(jobs) jobs = \(jobsPerSecond) jobs/s, \(episodes) episode\(episodes == 1 ? "" : "s")"
    }
}
