import Pool
import PoolSupport
import Synchronization

/// What the watchdog can see of one pool, attached by its caller thread while it lives.
public struct PoolView: @unchecked Sendable {
    public let record: ProbeRecord
    public let label: String
    public let schedulerDiagnostics: @Sendable () -> SchedulerDiagnostics
    public let reducerDiagnostics: @Sendable () -> ReducerDiagnostics
    public let wakeSpuriously: @Sendable () -> Void
    /// BasicScheduler parks on the barrier generation (beforePark's value is the round), and
    /// SequenceScheduler on the job sequence it took (`InspectableScheduler.parksOnChangingWord`);
    /// the futex schedulers park on the task word (pending tasks > 0 means work to claim).
    public let parksOnGeneration: Bool
}

/// One caller thread's state, as the watchdog sees it.
///
/// The phase words are atomics written by the caller thread and read by the watchdog; the
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

    public let index: Int
    let phaseWord = Atomic<Int>(0)
    let phaseStarted = Atomic<UInt64>(0)
    let episodeWord = Atomic<Int>(-1)
    let jobIndexWord = Atomic<Int>(-1)
    /// Counts phase changes: the watchdog's rescue checks whether the caller moved on.
    let progress = Atomic<UInt64>(0)
    private let mutex = CheckedMutex()
    private var view: PoolView?

    public init(index: Int) {
        self.index = index
    }

    /// Caller thread: enters a phase (the watchdog times every phase but idle).
    public func enter(_ phase: Phase, episode: Int, jobIndex: Int) {
        // relaxed, all: watchdog snapshots; the phase start time is what it acts on, and a
        // torn snapshot only delays a stall report by one poll.
        episodeWord.store(episode, ordering: .relaxed)
        jobIndexWord.store(jobIndex, ordering: .relaxed)
        phaseStarted.store(MonotonicClock.nanoseconds(), ordering: .relaxed)
        phaseWord.store(phase.rawValue, ordering: .relaxed)
        progress.wrappingAdd(1, ordering: .relaxed)
    }

    public func attach(_ view: PoolView?) {
        mutex.withLock { self.view = view }
    }

    public var attachedView: PoolView? {
        mutex.withLock { view }
    }

    public var phase: Phase { Phase(rawValue: phaseWord.load(ordering: .relaxed)) ?? .idle }
    public var phaseStartedAt: UInt64 { phaseStarted.load(ordering: .relaxed) }
    public var episode: Int { episodeWord.load(ordering: .relaxed) }
    public var jobIndex: Int { jobIndexWord.load(ordering: .relaxed) }
    public var progressCount: UInt64 { progress.load(ordering: .relaxed) }
}
