import Pool
import PoolSupport
import Synchronization

/// What the watchdog can see of one pool, attached by its caller thread while it lives.
public struct PoolView: @unchecked Sendable {
    public let record: ProbeRecord
    public let label: String
    package let schedulerDiagnostics: @Sendable () -> SchedulerDiagnostics
    package let reducerDiagnostics: @Sendable () -> ReducerDiagnostics
    /// The scheduler's `isStopped`: what the pool's threads poll, which may be a copy of the
    /// stop the diagnostics read from the word itself.
    public let isStopped: @Sendable () -> Bool
    public let wakeSpuriously: @Sendable () -> Void
    /// BasicScheduler parks on the barrier generation (beforePark's value is the round), and
    /// SequenceScheduler on the job sequence it took (`InspectableScheduler.parksOnChangingWord`);
    /// the futex schedulers park on the task word (pending tasks > 0 means work to claim).
    public let parksOnGeneration: Bool
}

/// One caller thread's state, as the watchdog sees it, and as the supervisor finds it after
/// the driver died.
///
/// The phase words are atomics written by the caller thread and read by the watchdog; they
/// live in the run's shared state (`SharedRunState`, one line per slot), followed by the
/// traces of the slot's current pool, so that a crash cannot take them with it. The
/// attached `PoolView` is guarded by a `CheckedMutex` (cold: once per pool).
public final class RunnerSlot: @unchecked Sendable {
    public enum Phase: Int, Sendable, CustomStringConvertible {
        case idle = 0, creatingPool, runningJob, refusingJob, shuttingDown
        public var description: String {
            switch self {
            case .idle: "idle"
            case .creatingPool: "creating a pool"
            case .runningJob: "running a job"
            case .refusingJob: "running a job on a stopped pool (must throw)"
            case .shuttingDown: "shutting down a pool"
            }
        }
    }

    /// The slot's words in the shared state.
    enum Word: Int, CaseIterable {
        case phase = 0
        case phaseStarted
        /// Episode and job index as bit patterns of `Int` (-1: none).
        case episode
        case jobIndex
        /// Counts phase changes: the watchdog's rescue checks whether the caller moved on.
        case progress
        /// Threads of the attached pool (0: none attached): how many trace lines are live.
        case attachedThreads
        /// `pthread_self()` of the caller thread, for crash reports.
        case callerThread
    }

    public let index: Int
    /// Keeps the mapping alive.
    let state: SharedRunState
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    private let mutex = CheckedMutex()
    private var view: PoolView?

    public init(index: Int, state: SharedRunState) {
        precondition(Word.allCases.count <= SharedRunState.slotHeaderWords, "RunnerSlot: its words must fit in its line")
        self.index = index
        self.state = state
        words = state.slotWords(index)
        self[.episode] = UInt64(bitPattern: -1)
        self[.jobIndex] = UInt64(bitPattern: -1)
    }

    /// A slot in private memory of its own, for a run no supervisor watches (schedule
    /// exploration drives one caller this way).
    public convenience init(index: Int) {
        self.init(index: index, state: .privateState(callerThreads: index + 1))
    }

    subscript(word: Word) -> UInt64 {
        // relaxed, all: watchdog and supervisor snapshots; the phase start time is what the
        // watchdog acts on, and a torn snapshot only delays a stall report by one poll.
        get { words[word.rawValue].load(ordering: .relaxed) }
        set { words[word.rawValue].store(newValue, ordering: .relaxed) }
    }

    /// Where the slot's pool keeps its thread traces (`ThreadTraces`).
    var traceStorage: SharedTraceStorage { SharedTraceStorage(words: state.traceWords(slot: index), owner: state) }

    /// Caller thread, once: names this thread as the slot's caller in crash reports.
    public func registerCallerThread() {
        self[.callerThread] = SharedRunState.currentThreadHandle
    }

    /// Caller thread: enters a phase (the watchdog times every phase but idle).
    public func enter(_ phase: Phase, episode: Int, jobIndex: Int) {
        self[.episode] = UInt64(bitPattern: Int64(episode))
        self[.jobIndex] = UInt64(bitPattern: Int64(jobIndex))
        self[.phaseStarted] = MonotonicClock.nanoseconds()
        self[.phase] = UInt64(phase.rawValue)
        // relaxed: as in the subscript.
        words[Word.progress.rawValue].wrappingAdd(1, ordering: .relaxed)
    }

    public func attach(_ view: PoolView?) {
        mutex.withLock { self.view = view }
        self[.attachedThreads] = UInt64(view?.record.threadCount ?? 0)
    }

    public var attachedView: PoolView? {
        mutex.withLock { view }
    }

    public var phase: Phase { Phase(rawValue: Int(truncatingIfNeeded: self[.phase])) ?? .idle }
    public var phaseStartedAt: UInt64 { self[.phaseStarted] }
    public var episode: Int { Int(truncatingIfNeeded: Int64(bitPattern: self[.episode])) }
    public var jobIndex: Int { Int(truncatingIfNeeded: Int64(bitPattern: self[.jobIndex])) }
    public var progressCount: UInt64 { self[.progress] }
    /// Threads of the pool attached now (0: none), as the shared state says.
    public var attachedThreadCount: Int { Int(self[.attachedThreads]) }
    var callerThreadHandle: UInt64 { self[.callerThread] }
}
