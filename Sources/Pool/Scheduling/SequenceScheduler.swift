import Synchronization
/// The scheduler the standard pool uses: a job sequence, real steps.
public typealias SequenceScheduler = SequenceSchedulerWith<CorrectSequenceSteps>

/// A scheduler shaped like the hand-off floor: the caller publishes (sequence, target) on one
/// cache line, and each worker, knowing the sequence it took last, takes the job when the
/// sequence moves on. Nothing is claimed: no worker writes the job line on the fast path.
///
/// Per job: the caller does one compare-exchange on the job word (+ one load of the sleeper
/// count, on the same line; + a wake syscall only if a worker is parked), and reads no line
/// that a worker writes or spins on before that; each worker does one acquiring load, which
/// the spinning worker's line fetch already paid for. One line moves to each worker, and
/// none back: the futex scheduler moves the task word to every worker and back, and the
/// target on a line of its own (docs/PROTOCOL.md, "Cache lines per job").
///
/// Since a worker waits for a sequence other than the one it took, it cannot take one job
/// twice, and `waitForStarted` has nothing to wait for. The job word carries stop in its top
/// bit, so stop reaches every waiter through the word it spins or parks on. The state machine
/// and the orderings are in docs/PROTOCOL.md, section 2.
///
/// Generic over its steps (`SequenceSteps`) so that a canary is this scheduler with one step
/// replaced; `SequenceScheduler` takes the real ones.
public final class SequenceSchedulerWith<Steps: SequenceSteps>: InspectableScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { Steps.variantName ?? "sequence" }
    /// A worker parks on the sequence it took: it is asleep by mistake if the word differs.
    public static var parksOnChangingWord: Bool { true }

    public let words: SequenceWords

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "SequenceScheduler needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        words = SequenceWords(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    deinit { Steps.deallocateWords(words) }

    @inlinable
    public static func share(thread: Int, threadCount: Int, target: UInt64) -> Share {
        Steps.share(thread: thread, threadCount: threadCount, target: target)
    }

    @inlinable
    public func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        try Steps.publishJob(words, target: target)
        Steps.wakeForJob(words)
    }

    @inlinable
    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        let taken = words.sequenceTaken(by: thread)
        while !Steps.spinForTask(words, taken: taken) {
            try probe.pass(.beforePark, thread: thread, value: UInt64(taken))
            PoolTrace.log(thread, "sequence: parks on job \(taken)")
            Steps.parkForTask(words, taken: taken)
            PoolTrace.log(thread, "sequence: woke")
            try probe.pass(.afterWake, thread: thread, value: UInt64(taken))
        }
        return try Steps.take(words, thread: thread, taken: taken, probe: probe)
    }

    /// Nothing to wait for: a worker takes the job whose sequence follows the one it took, so
    /// it cannot take one job twice.
    @inlinable
    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {}

    public func stop(_ cause: StopCause) {
        switch cause {
        case .shutdown: Steps.raiseStop(words)
        case .failure(let thread): Steps.raiseStopAfterFailure(words, thread: thread)
        }
    }

    @inlinable
    public var isStopped: Bool {
        // relaxed: a hint polled in spin loops; whoever acts on it re-reads what it needs
        // with its own ordering (the failure record has a lock). The `stopped` copy, not the
        // job word: the caller checks it before every job, and reading the job line there
        // would cost a round trip (SequenceWords).
        words.stopped.load(ordering: .relaxed)
    }

    public func wakeSpuriously() { Steps.rescueWake(words) }

    @usableFromInline package var diagnostics: SchedulerDiagnostics {
        // relaxed, and past exploration's scheduling points: a snapshot, not the protocol.
        let value = words.job.word.pointer.pointee.load(ordering: .relaxed)
        return SchedulerDiagnostics(word: UInt64(value), pendingTasks: 0,
                                    sleepers: words.job.sleeperCount, stopped: value & SequenceWords.stopBit != 0)
    }
}
