/// The report's section on a driver that died of a signal, written by its supervisor from
/// the state the driver left (`SharedRunState`): the signal, where it struck, and what every
/// caller and every pool thread was doing.
///
/// Built by the supervisor (`SupervisorReport`) with the memberwise initialisers; read back
/// from the JSON by anyone.
public struct CrashSection: Codable, Sendable, Equatable {
    public var signal: Int32
    /// "SIGILL", "SIGSEGV", ...
    public var signalName: String
    /// What the signal usually means here.
    public var meaning: String
    /// `si_code`: > 0 a fault of the thread itself, <= 0 sent by a process.
    public var code: Int32?
    /// The faulting address (or instruction, for a trap), as 0x and 16 hex digits.
    public var address: String?
    /// The thread the signal struck: its name, kernel id, and role in the run.
    public var thread: String?
    public var threadID: Int32?
    /// The caller slot and pool thread (0: the caller) it struck, where known.
    public var caller: Int?
    public var poolThread: Int?
    /// Milliseconds between the driver's last statistics and its death: the report's counts
    /// are at most this old.
    public var statisticsAgeMilliseconds: Double?
    public var callers: [CallerState]

    /// One caller thread, as its slot last said.
    public struct CallerState: Codable, Sendable, Equatable {
        public var caller: Int
        public var phase: String
        public var phaseMilliseconds: Double?
        public var episode: Int?
        public var jobIndex: Int?
        /// The episode's pool: blocks and configuration.
        public var pool: String?
        public var threads: [ThreadPoint]
    }

    /// One pool thread's last probe point (nil: none reached yet).
    public struct ThreadPoint: Codable, Sendable, Equatable {
        public var thread: Int
        public var point: String?
        public var value: UInt64
        public var millisecondsAgo: Double?
    }
}
