import Pool
import TestSupport

/// A scheduler that delegates to a `FutexScheduler`, so that each flawed variant below
/// overrides only the step it breaks.
protocol FutexDelegating: JobScheduler {
    var inner: FutexScheduler { get }
}

extension FutexDelegating {
    static var minimumJobSize: UInt64 { FutexScheduler.minimumJobSize }

    func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption) {
        try inner.start(target: target, probe: probe)
    }

    func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        try inner.waitForTask(thread: thread, probe: probe)
    }

    func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) {
        try inner.waitForStarted(thread: thread, probe: probe)
    }

    func stop() { inner.stop() }
    var isStopped: Bool { inner.isStopped }
    func wakeSpuriously() { inner.wakeSpuriously() }
    var diagnostics: SchedulerDiagnostics { inner.diagnostics }
}

/// Broken: worker 1 processes the first job it claims twice (it "claims" it again on its
/// next wait), as a scheduler without a proper claim would let a fast worker do.
final class ReplayingScheduler: FutexDelegating {
    static var name: String { "replaying" }
    let inner: FutexScheduler
    /// Touched by worker 1 only: [0] the target to replay, [1] 1 while a replay is due,
    /// [2] 1 once the replay happened.
    private let replay = PlainWords(count: 3)

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        inner = FutexScheduler(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        if thread == 1 && replay[1] == 1 {
            replay[1] = 0
            try probe.pass(.taskClaimed, thread: thread, value: replay[0])
            return replay[0]
        }
        let target = try inner.waitForTask(thread: thread, probe: probe)
        if thread == 1 && replay[2] == 0 {
            replay[0] = target
            replay[1] = 1
            replay[2] = 1
        }
        return target
    }
}

/// Broken: `stop()` raises the stop value but wakes nobody, so parked workers sleep on.
final class SilentStopScheduler: FutexDelegating {
    static var name: String { "silent-stop" }
    let inner: FutexScheduler

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        inner = FutexScheduler(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    func stop() {
        inner.task.word.pointer.pointee.store(FutexScheduler.stopValue, ordering: .sequentiallyConsistent)
    }
}

/// Broken: workers park on a word of their own that `start` never wakes (a lost wake-up:
/// the "wrong futex address" bug). Only `wakeSpuriously` reaches them.
final class WrongWordScheduler: FutexDelegating {
    static var name: String { "wrong-word" }
    let inner: FutexScheduler
    private let ownWord = ParkingWord(0)

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        inner = FutexScheduler(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    deinit { ownWord.deallocate() }

    func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        // relaxed: only decides whether to park; the inner claim acquires.
        while inner.task.word.pointer.pointee.load(ordering: .relaxed) == 0 {
            try probe.pass(.beforePark, thread: thread)
            ownWord.park(whileEqualTo: 0)
            try probe.pass(.afterWake, thread: thread)
        }
        return try inner.waitForTask(thread: thread, probe: probe)
    }

    func wakeSpuriously() {
        ownWord.wakeAll()
        inner.wakeSpuriously()
    }

    var diagnostics: SchedulerDiagnostics {
        var diagnostics = inner.diagnostics
        diagnostics.sleepers = ownWord.sleeperCount
        return diagnostics
    }
}
