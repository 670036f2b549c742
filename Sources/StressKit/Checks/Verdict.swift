import Glibc

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
    /// Threads, address space, resident memory or memory mappings grew past the bound a
    /// correct run never crosses while pools were created and destroyed (`ResourceBudget`):
    /// a pool that leaks its workers' stacks, say. Exit 1.
    case resourceLeak = "resource leak"
    /// No violation, but `--require-coverage` was given and a protocol race the run could
    /// exercise was never seen (`ProtocolRace`). Exit 4.
    case coverageIncomplete = "coverage incomplete"
    /// The driver process died of a signal (a trap, SIGSEGV, SIGBUS, SIGABRT, ...); its
    /// supervisor wrote the report from the state the driver left (`StressSupervisor`). Exit 5.
    case crash
    /// SIGINT or SIGTERM stopped the run before its time: the report covers what ran.
    /// Exit 128 + the signal: 130 (SIGINT) or 143 (SIGTERM).
    case interrupted

    /// The exit code; for `interrupted` the SIGINT one (`StressExitCode.interrupted(by:)`
    /// gives the code of each signal).
    public var exitCode: Int32 {
        switch self {
        case .passed: 0
        case .wrongResult, .invariant, .resourceLeak: 1
        case .stall, .lostWakeup: 2
        case .coverageIncomplete: StressExitCode.coverageIncomplete
        case .crash: StressExitCode.crash
        case .interrupted: StressExitCode.interrupted(by: SIGINT)
        }
    }

    /// The heading of the report's first line ("VIOLATION", "STALL", ...).
    var title: String {
        switch self {
        case .passed: "PASSED"
        case .wrongResult, .invariant, .resourceLeak: "VIOLATION"
        case .stall, .lostWakeup: "STALL"
        case .coverageIncomplete: "COVERAGE INCOMPLETE"
        case .crash: "CRASH"
        case .interrupted: "INTERRUPTED"
        }
    }

    /// Whether the run found a bug (a violation, a stall, a leak or a crash): the jobs it ran
    /// then bound nothing. A coverage gap is not one, nor is an interrupt.
    public var isViolation: Bool { self != .passed && self != .coverageIncomplete && self != .interrupted }
}

/// The process exit codes of `stress`.
public enum StressExitCode {
    public static let passed: Int32 = 0
    public static let violation: Int32 = 1
    public static let stall: Int32 = 2
    public static let canarySurvived: Int32 = 3
    /// `--require-coverage`: no violation, but a race the run could exercise was never seen.
    public static let coverageIncomplete: Int32 = 4
    /// The driver died of a signal; the report is its supervisor's (`Verdict.crash`).
    public static let crash: Int32 = 5
    public static let usage: Int32 = 64

    /// An interrupted run's code: 128 + the signal, as a shell reports a process the signal
    /// killed: 130 for SIGINT, 143 for SIGTERM.
    public static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}
