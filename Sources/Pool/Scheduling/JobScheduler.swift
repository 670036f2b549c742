/// Hands jobs from the caller (thread 0) to the workers, and carries the stop signal.
///
/// Contract, for one pool of `threadCount` threads:
/// - The caller calls `start(target:)` once per job; it returns once the job is published.
///   It throws `.stopped` if the pool was stopped. The caller never starts a job before the
///   previous one's result is in (the reducer's count reached 0), so at most one job is in
///   flight.
/// - Each of the `threadCount - 1` workers calls `waitForTask` and receives each job's
///   target exactly once, with everything the caller wrote before `start` visible to it.
///   It throws `.stopped` once the stop signal is raised.
/// - A worker calls `waitForStarted` after its share and before merging: it returns once
///   every worker has claimed the current job, so that a fast worker cannot claim two tasks
///   of one job. It throws `.stopped` if stop is raised meanwhile.
/// - `stop()` may be called by any thread, any number of times. Every thread waiting in the
///   scheduler, parked or spinning, returns `.stopped` in bounded time, and so does every
///   later call.
/// - `wakeSpuriously()` wakes parked workers without a job. A correct scheduler sends them
///   back to wait; the stress driver uses it to inject spurious wake-ups.
public protocol JobScheduler: AnyObject, Sendable {
    /// A new scheduler for a pool of `threadCount` threads (caller included).
    init(threadCount: Int, spinPolicy: SpinPolicy)

    /// Jobs with a smaller target run sequentially on the caller.
    static var minimumJobSize: UInt64 { get }

    /// Short name for reports ("basic", "futex").
    static var name: String { get }

    func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption)
    func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64
    func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption)
    func stop()
    var isStopped: Bool { get }
    func wakeSpuriously()

    /// A snapshot for watchdogs: relaxed reads, may be torn across fields.
    var diagnostics: SchedulerDiagnostics { get }
}

/// What a watchdog needs to tell a stall from a lost wake-up.
public struct SchedulerDiagnostics: Sendable, CustomStringConvertible {
    /// The raw scheduler word (task word, or barrier generation).
    public var word: UInt64
    /// Tasks published but not yet claimed (0 if none, or if stopped).
    public var pendingTasks: UInt64
    /// Threads counted as parked (or about to park) in the kernel.
    public var sleepers: UInt32
    public var stopped: Bool

    public init(word: UInt64, pendingTasks: UInt64, sleepers: UInt32, stopped: Bool) {
        self.word = word
        self.pendingTasks = pendingTasks
        self.sleepers = sleepers
        self.stopped = stopped
    }

    public var description: String {
        "word=0x\(String(word, radix: 16)) pending=\(pendingTasks) sleepers=\(sleepers) stopped=\(stopped)"
    }
}
