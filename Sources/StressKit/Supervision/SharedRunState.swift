import Glibc
import Pool
import Synchronization

/// The state of one stress run, kept in memory that another process maps: what the
/// supervisor (`StressSupervisor`) needs to report on a driver process that died.
///
/// The driver writes it while it runs, and never has to do anything at the moment it
/// dies: the callers' phases, episodes and jobs, and every pool thread's last probe point,
/// live here (`RunnerSlot`, `ThreadTraces`), not in the driver's own memory; the watchdog
/// copies the statistics here at every poll; the fatal-signal recorder (`FatalSignalRecorder`)
/// adds which thread died, with stores only. A driver that traps, faults or is killed leaves
/// all of it behind for its supervisor, which shares the mapping.
///
/// Layout: 64-bit atomic words in fixed regions, each starting on its own cache line:
/// - header (`HeaderWord`);
/// - crash record (`CrashWord`, then the dying thread's name: `crashNameBytes` bytes);
/// - statistics: `StressStatistics.sharedWordCount` words, a copy of the driver's counters;
/// - per caller slot: its phase words (`RunnerSlot.Word`, one line), then its pool's thread
///   traces, `ThreadPoolLimits.maximumThreads` lines (`ThreadTraces`).
///
/// Orderings: every access is relaxed. The writer's stores matter to the reader only once
/// the writer is dead (a crash report) or as a snapshot it already tolerates torn (the
/// watchdog's dumps); `waitpid` on a dead driver orders everything it ever stored.
public final class SharedRunState: @unchecked Sendable {
    /// The environment variable through which a supervisor hands its state to the driver
    /// it starts: a path the driver opens and maps (`/proc/self/fd/N` of an inherited file).
    public static let environmentKey = "STRESS_SUPERVISOR_STATE"
    /// "STRESSS1": a mapping that holds this layout.
    static let magic: UInt64 = 0x5354_5245_5353_5331

    /// Header words.
    enum HeaderWord: Int, CaseIterable {
        case magic = 0
        /// `byteCount`, so that both processes agree on the layout's size.
        case byteCount
        case callerThreads
        /// The supervisor's pid (0: none); the driver checks it is still its parent.
        case supervisorPID
        case driverPID
        /// The driver's `MonotonicClock` at the start of the run (the clock is system-wide).
        case startedAt
        /// SIGINT or SIGTERM once the driver has been interrupted; 0 before.
        case interruptSignal
        /// When the watchdog last copied the statistics here (0: never).
        case statisticsPublishedAt
        /// `pthread_self()` of the driver's main thread and of its watchdog, so that a crash
        /// report can name them.
        case mainThread
        case watchdogThread
        /// The verdict the driver was reporting when it died (`Verdict` index + 1; 0: none).
        case reportingVerdict
    }

    /// Crash-record words, written by the dying thread (`FatalSignalRecorder`).
    enum CrashWord: Int, CaseIterable {
        /// The first fatal signal (0: none yet): whoever sets it fills the rest.
        case signal = 0
        /// `si_code`, as a bit pattern (negative: sent by a process, not by a fault).
        case code
        /// `si_addr`: the faulting address (or instruction, for SIGILL and SIGTRAP).
        case address
        /// The kernel's thread id.
        case threadID
        /// `pthread_self()`: matched against the handles the traces recorded.
        case threadHandle
        case time
        /// How many bytes of the thread's name follow the crash words.
        case nameLength
    }

    static let headerWords = 2 * CacheLine.words
    static let crashWords = 2 * CacheLine.words
    static let crashNameBytes = 16
    static let slotHeaderWords = CacheLine.words

    public let callerThreads: Int
    let byteCount: Int
    private let base: UnsafeMutableRawPointer
    private let words: UnsafeMutablePointer<Atomic<UInt64>>

    /// The layout's size for `callerThreads` slots, in bytes.
    static func byteCount(callerThreads: Int) -> Int {
        8 * (headerWords + crashWords + statisticsWordCount + callerThreads * slotWordCount)
    }

    static var statisticsWordCount: Int { roundedToLines(StressStatistics.sharedWordCount) }
    static var slotWordCount: Int { slotHeaderWords + ThreadPoolLimits.maximumThreads * CacheLine.words }
    static func roundedToLines(_ count: Int) -> Int { (count + CacheLine.words - 1) / CacheLine.words * CacheLine.words }

    private init(base: UnsafeMutableRawPointer, byteCount: Int, callerThreads: Int, initialize: Bool) {
        self.base = base
        self.byteCount = byteCount
        self.callerThreads = callerThreads
        let count = byteCount / 8
        if initialize {
            let typed = base.bindMemory(to: Atomic<UInt64>.self, capacity: count)
            for index in 0..<count { (typed + index).initialize(to: Atomic(0)) }
            words = typed
            self[.magic] = Self.magic
            self[.byteCount] = UInt64(byteCount)
            self[.callerThreads] = UInt64(callerThreads)
        } else {
            words = base.assumingMemoryBound(to: Atomic<UInt64>.self)
        }
    }

    deinit { munmap(base, byteCount) }

    /// Private memory: the state of a run that no supervisor watches (tests, or the driver
    /// called as a library). The same code writes it; nobody else reads it.
    public static func privateState(callerThreads: Int) -> SharedRunState {
        let size = byteCount(callerThreads: callerThreads)
        let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let base, base != MAP_FAILED else {
            preconditionFailure("SharedRunState: cannot map \(size) bytes (errno \(errno))")
        }
        return SharedRunState(base: base, byteCount: size, callerThreads: callerThreads, initialize: true)
    }

    /// The supervisor's side: a new state in an unlinked file (in /dev/shm, else /tmp), and
    /// that file's descriptor, inheritable, for the driver to map as `/proc/self/fd/N`.
    static func createShared(callerThreads: Int) throws(FileAccessError) -> (state: SharedRunState, descriptor: Int32) {
        var lastError = FileAccessError("create a shared state file in", "/dev/shm or /tmp", code: ENOENT)
        for folder in ["/dev/shm", "/tmp"] {
            var template = Array("\(folder)/stress-state-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if descriptor < 0 {
                lastError = FileAccessError("create a shared state file in", folder, code: errno)
                continue
            }
            // Unlinked at once: nothing is left behind, whatever ends either process.
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            do {
                return (try map(descriptor: descriptor, callerThreads: callerThreads, initialize: true), descriptor)
            } catch {
                close(descriptor)
                lastError = error
            }
        }
        throw lastError
    }

    /// A state file at `path` that the caller created: for tests that play the supervisor.
    public static func createFile(at path: String, callerThreads: Int) throws(FileAccessError) -> SharedRunState {
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileAccessError("create", path, code: errno) }
        defer { close(descriptor) }
        return try map(descriptor: descriptor, callerThreads: callerThreads, initialize: true)
    }

    /// The driver's side: maps the state its supervisor created at `path`. Throws if the file
    /// does not hold this layout for `callerThreads` slots.
    public static func attach(path: String, callerThreads: Int) throws(FileAccessError) -> SharedRunState {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileAccessError("open the supervisor's state", path, code: errno) }
        defer { close(descriptor) }
        let state = try map(descriptor: descriptor, callerThreads: callerThreads, initialize: false)
        guard state[.magic] == magic, state[.byteCount] == UInt64(state.byteCount),
              state[.callerThreads] == UInt64(callerThreads) else {
            throw FileAccessError("use the supervisor's state (another layout or version)", path, code: EINVAL)
        }
        return state
    }

    private static func map(descriptor: Int32, callerThreads: Int, initialize: Bool) throws(FileAccessError) -> SharedRunState {
        let size = byteCount(callerThreads: callerThreads)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileAccessError("inspect", "the shared state file", code: errno) }
        if initialize {
            guard ftruncate(descriptor, off_t(size)) == 0 else { throw FileAccessError("size", "the shared state file", code: errno) }
        } else if Int(status.st_size) != size {
            throw FileAccessError("use the supervisor's state (\(status.st_size) bytes, expected \(size))", "the shared state file", code: EINVAL)
        }
        let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let base, base != MAP_FAILED else { throw FileAccessError("map", "the shared state file", code: errno) }
        return SharedRunState(base: base, byteCount: size, callerThreads: callerThreads, initialize: initialize)
    }

    // MARK: words

    subscript(word: HeaderWord) -> UInt64 {
        // relaxed: see the type's orderings.
        get { words[word.rawValue].load(ordering: .relaxed) }
        set { words[word.rawValue].store(newValue, ordering: .relaxed) }
    }

    subscript(word: CrashWord) -> UInt64 {
        // relaxed: see the type's orderings.
        get { crashRecord[word.rawValue].load(ordering: .relaxed) }
        set { crashRecord[word.rawValue].store(newValue, ordering: .relaxed) }
    }

    /// The crash record's first word; the name's bytes follow the `CrashWord`s.
    var crashRecord: UnsafeMutablePointer<Atomic<UInt64>> { words + Self.headerWords }
    var crashNameStorage: UnsafeMutableRawPointer { UnsafeMutableRawPointer(crashRecord + CrashWord.allCases.count) }
    var statisticsWords: UnsafeMutablePointer<Atomic<UInt64>> { crashRecord + Self.crashWords }

    /// Slot `index`'s phase words (one line), followed by its thread traces.
    func slotWords(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        precondition(index >= 0 && index < callerThreads, "SharedRunState: no slot \(index) in a state of \(callerThreads)")
        return statisticsWords + Self.statisticsWordCount + index * Self.slotWordCount
    }

    func traceWords(slot index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> { slotWords(index) + Self.slotHeaderWords }

    // MARK: what the driver publishes

    /// Driver: the run starts now, in this process.
    func driverStarted(at time: UInt64) {
        self[.driverPID] = UInt64(getpid())
        self[.startedAt] = time
        self[.mainThread] = Self.currentThreadHandle
    }

    /// The first SIGINT or SIGTERM that interrupted the driver, or nil.
    public var interruptSignal: Int32? {
        let signal = self[.interruptSignal]
        return signal == 0 ? nil : Int32(signal)
    }

    /// Watchdog: copies the statistics here.
    func publish(_ statistics: StressStatistics) {
        statistics.copy(to: statisticsWords)
        self[.statisticsPublishedAt] = MonotonicClock.nanoseconds()
    }

    /// Supervisor: the statistics the driver published last.
    func loadStatistics(into statistics: StressStatistics) {
        statistics.load(from: statisticsWords)
    }

    /// Jobs run, as the watchdog last published them (tests wait on it: the run is under way).
    package var publishedJobs: UInt64 {
        // relaxed: a snapshot.
        statisticsWords[0].load(ordering: .relaxed)
    }

    /// Caller `slot`'s thread (`pthread_t`), once it registered; 0 before.
    package func callerThread(slot: Int) -> UInt64 {
        // relaxed: a snapshot.
        slotWords(slot)[RunnerSlot.Word.callerThread.rawValue].load(ordering: .relaxed)
    }

    /// `pthread_self()` as a word: what the traces and the crash record compare.
    static var currentThreadHandle: UInt64 { UInt64(pthread_self()) }

    // MARK: the crash record

    /// What the fatal-signal recorder left, or nil if no thread died of a signal here.
    public var crash: CrashRecord? {
        let signal = self[.signal]
        guard signal != 0 else { return nil }
        let length = min(Int(self[.nameLength]), Self.crashNameBytes)
        let bytes = UnsafeRawBufferPointer(start: crashNameStorage, count: length)
        let name = String(decoding: bytes.prefix { $0 != 0 && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return CrashRecord(signal: Int32(truncatingIfNeeded: signal), code: Int32(truncatingIfNeeded: Int64(bitPattern: self[.code])),
                           address: self[.address], threadID: Int32(truncatingIfNeeded: self[.threadID]),
                           threadHandle: self[.threadHandle], time: self[.time], threadName: name.isEmpty ? nil : name)
    }

    /// One dying thread's record.
    public struct CrashRecord: Sendable, Equatable {
        public var signal: Int32
        public var code: Int32
        public var address: UInt64
        public var threadID: Int32
        public var threadHandle: UInt64
        public var time: UInt64
        /// From /proc/thread-self/comm ("pool-worker-2", "stress-caller-0", ...).
        public var threadName: String?
    }
}
