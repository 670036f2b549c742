/// The `stress --explore` section of a stress report (`StressSummary.exploration`): how much
/// was explored, how fast, and the failing schedule with its minimal form and trace.
///
/// In every build (a report written by an exploration build is read by any `stress`); every
/// field a strategy does not fill is optional.
public struct ExplorationReport: Codable, Sendable, Equatable {
    /// "random", "pct", "dfs" or "replay".
    public var strategy: String
    /// PCT's depth D.
    public var depth: Int?
    /// DFS's preemption bound P.
    public var preemptionBound: Int?
    /// DFS's bound on stale reads per schedule.
    public var staleReadBound: Int?
    /// "c11", "sc" or "c11-seqcst-as-acqrel" (nil in a report from before the memory model).
    public var memoryModel: String?
    /// DFS: whether every schedule within the bound was explored.
    public var exhausted: Bool?
    /// PCT: the per-schedule probability bound 1/(n·k^(D−1)) for the measured n and k.
    public var pctGuarantee: Double?
    public var schedules: Int
    /// Decisions (scheduling points) over every schedule.
    public var steps: Int
    public var seconds: Double
    public var schedulesPerSecond: Double
    public var stepsPerSecond: Double
    /// Hand-offs of the baton from one thread to another (a context switch each), per second:
    /// what a step costs depends on how many of them switch.
    public var switchesPerSecond: Double?
    /// FNV-1a over every schedule run (scenario and decisions), as 0x and 16 hex digits: the
    /// same seed and options give the same digest.
    public var scheduleDigest: String
    public var finding: Finding?

    /// A failing schedule: as found, and after shrinking.
    public struct Finding: Codable, Sendable, Equatable {
        /// "wrong result", "invariant", "deadlock", "livelock", "crash" or "data race".
        public var kind: String
        public var message: String
        /// Each thread's state (deadlock and livelock).
        public var threadStates: [String]
        public var scenario: String
        public var schedule: String
        /// Decisions of the failing schedule, and how many differ from the default.
        public var decisions: Int
        public var deviations: Int
        public var replay: String
        /// Schedules run until this one failed (it included), and the seconds they took.
        public var foundAfterSchedules: Int?
        public var foundAfterSeconds: Double?
        public var minimalScenario: String?
        public var minimalSchedule: String?
        public var minimalDecisions: Int?
        public var minimalDeviations: Int?
        public var minimalReplay: String?
        /// Each thread's state when the minimal schedule failed (deadlock and livelock).
        public var minimalThreadStates: [String]?
        /// Schedules run while shrinking.
        public var shrinkSchedules: Int?
        /// The minimal schedule's trace, one line per step.
        public var trace: [String]

        public init(kind: String, message: String, threadStates: [String], scenario: String, schedule: String,
                    decisions: Int, deviations: Int, replay: String, trace: [String]) {
            self.kind = kind
            self.message = message
            self.threadStates = threadStates
            self.scenario = scenario
            self.schedule = schedule
            self.decisions = decisions
            self.deviations = deviations
            self.replay = replay
            self.trace = trace
        }
    }

    public init(strategy: String, schedules: Int, steps: Int, seconds: Double, scheduleDigest: String) {
        self.strategy = strategy
        self.schedules = schedules
        self.steps = steps
        self.seconds = seconds
        schedulesPerSecond = seconds > 0 ? (Double(schedules) / seconds).rounded() : 0
        stepsPerSecond = seconds > 0 ? (Double(steps) / seconds).rounded() : 0
        self.scheduleDigest = scheduleDigest
    }

    /// The lines the text summary prints for this section.
    public var lines: [String] {
        var lines = ["exploration: \(strategy), \(schedules) schedules, \(steps) steps in \(format3(seconds)) s = "
                     + "\(Int(schedulesPerSecond)) schedules/s, \(Int(stepsPerSecond)) steps/s; schedule digest \(scheduleDigest)"]
        if let finding {
            lines.append("finding: \(finding.kind): \(finding.message)")
            lines.append("  replay: \(finding.minimalReplay ?? finding.replay)")
        }
        return lines
    }
}
