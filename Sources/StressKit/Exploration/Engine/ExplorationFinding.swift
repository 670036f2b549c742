#if Exploration
/// What ended a schedule that failed: a violation of the stress driver's checks (the same
/// oracle, invariants, witness and error checks as `stress`), or what only the controller can
/// see: a deadlock (no thread can run, and the scenario is unfinished), a livelock (too many
/// steps without progress), a crash (a thread trapped) or a data race on plain memory.
struct ExplorationFinding: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case wrongResult = "wrong result"
        case invariant
        case deadlock
        case livelock
        case crash
        /// Plain memory accessed by two threads, one access a write, unordered by
        /// happens-before (`PlainMemoryRaceCheck`).
        case dataRace = "data race"

        init(_ verdict: Verdict) {
            switch verdict {
            case .wrongResult: self = .wrongResult
            // A schedule's findings come from the checks, which never judge coverage; neither
            // a resource budget nor interrupts reach an exploration's interceptor.
            case .invariant, .passed, .coverageIncomplete, .resourceLeak, .interrupted: self = .invariant
            case .stall, .lostWakeup: self = .deadlock
            case .crash: self = .crash
            }
        }

        /// `stress`'s exit codes: 1 for a violation, 2 for a run that cannot finish.
        var exitCode: Int32 {
            switch self {
            case .wrongResult, .invariant, .crash, .dataRace: StressExitCode.violation
            case .deadlock, .livelock: StressExitCode.stall
            }
        }
    }

    var kind: Kind
    var message: String
    /// The thread that found it (for a deadlock: the last one that could run).
    var thread: Int
    /// The decision the schedule had reached.
    var decision: Int
    /// The episode's job index, if the stress checks named one.
    var jobIndex: Int?
    /// Each thread's state, for a deadlock or livelock: what it waits for.
    var threadStates: [String]
}
#endif
