import Synchronization
/// The book's futex scheduler (docs/ORIGIN.md) with its real steps: the reference design the
/// shipped `SequenceScheduler` is measured and checked against, chosen by name. It parks
/// idle workers on one futex word and claims tasks with one fetch-sub per worker.
public typealias FutexScheduler = FutexSchedulerWith<CorrectFutexSteps>

/// The one-RMW scheduler of the book's follow-up chapter: a 32-bit task word that counts
/// unclaimed tasks, a futex to park on, and a stop range in the same word (`FutexWords`).
///
/// Per job: the caller does one compare-exchange (+ one load of the sleeper count, + a
/// wake syscall only if a worker is parked); each worker does one fetch-sub.
/// The state machine and the ordering argument are in docs/PROTOCOL.md, section 4.
///
/// Generic over its steps (`FutexSteps`) so that a canary is this scheduler with one step
/// replaced; `FutexScheduler` takes the real ones. Specialised, the steps cost nothing.
public final class FutexSchedulerWith<Steps: FutexSteps>: InspectableScheduler {
    public static var minimumJobSize: UInt64 { 0 }
    public static var name: String { Steps.variantName ?? "futex" }

    /// Values at or above this mean "stopped".
    public static var stopThreshold: UInt32 { FutexWords.stopThreshold }
    /// What stop writes.
    public static var stopValue: UInt32 { FutexWords.stopValue }

    public let words: FutexWords

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        precondition(threadCount >= 1 && threadCount <= ThreadPoolLimits.maximumThreads,
                     "FutexScheduler needs 1 ... \(ThreadPoolLimits.maximumThreads) threads, got \(threadCount)")
        words = FutexWords(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    deinit { words.deallocate() }

    /// The task word and its sleeper count.
    @usableFromInline package var task: ParkingWord { words.task }

    @inlinable
    public func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        try Steps.publishJob(words, target: target)
        Steps.wakeForJob(words)
    }

    @inlinable
    public func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        while !Steps.spinForTask(words) {
            try probe.pass(.beforePark, thread: thread, value: 0)
            PoolTrace.log(thread, "futex: parks")
            Steps.parkForTask(words)
            PoolTrace.log(thread, "futex: woke")
            try probe.pass(.afterWake, thread: thread, value: 0)
        }
        return try Steps.claim(words, thread: thread, probe: probe)
    }

    @inlinable
    public func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        try Steps.awaitAllClaimed(words)
    }

    public func stop(_ cause: StopCause) {
        switch cause {
        case .shutdown: Steps.raiseStop(words)
        case .failure(let thread): Steps.raiseStopAfterFailure(words, thread: thread)
        }
    }

    @inlinable
    public var isStopped: Bool {
        // relaxed: a hint polled in spin loops; whoever acts on it re-reads what it needs
        // with its own ordering (the failure record has a lock).
        words.task.word.load(ordering: .relaxed) >= FutexWords.stopThreshold
    }

    public func wakeSpuriously() { Steps.rescueWake(words) }

    @usableFromInline package var diagnostics: SchedulerDiagnostics {
        // relaxed, and past exploration's scheduling points: a snapshot, not the protocol.
        let value = words.task.word.pointer.pointee.load(ordering: .relaxed)
        let stopped = value >= FutexWords.stopThreshold
        return SchedulerDiagnostics(word: UInt64(value), pendingTasks: stopped ? 0 : UInt64(value),
                                    sleepers: words.task.sleeperCount, stopped: stopped)
    }
}
