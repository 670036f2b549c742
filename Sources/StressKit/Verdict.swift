/// How a stress run ended, and its exit code.
public enum Verdict: String, Sendable, CaseIterable {
    /// No violation. Exit 0.
    case passed
    /// A job's total, or a witness, differs from the oracle. Exit 1.
    case wrongResult = "wrong result"
    /// A protocol invariant broke (double claim, two receivers, count underflow, unlock by a
    /// non-owner, wrong error after a failure, a worker not joined). Exit 1.
    case invariant
    /// A job or a shutdown overran the watchdog deadline. Exit 2.
    case stall
    /// A stall where a worker sleeps although work is pending for it. Exit 2.
    case lostWakeup = "lost wake-up"
    /// No violation, but `--require-coverage` was given and a protocol race the run could
    /// exercise was never seen (`ProtocolRace`). Exit 4.
    case coverageIncomplete = "coverage incomplete"

    public var exitCode: Int32 {
        switch self {
        case .passed: 0
        case .wrongResult, .invariant: 1
        case .stall, .lostWakeup: 2
        case .coverageIncomplete: 4
        }
    }

    /// Whether the run found a bug (a coverage gap is not one).
    public var isViolation: Bool { self != .passed && self != .coverageIncomplete }
}

/// The process exit codes of `stress`.
public enum StressExitCode {
    public static let passed: Int32 = 0
    public static let violation: Int32 = 1
    public static let stall: Int32 = 2
    public static let canarySurvived: Int32 = 3
    /// `--require-coverage`: no violation, but a race the run could exercise was never seen.
    public static let coverageIncomplete: Int32 = 4
    public static let usage: Int32 = 64
}
