/// Hands jobs from the caller (thread 0) to the workers, and carries the stop signal.
///
/// The implementations, side by side: `SequenceScheduler`, the standard one (`CountingPool`
/// and every pool that names no scheduler): one job word the caller publishes, nothing
/// claimed, no RMW by workers. `FutexScheduler`, the book's design and the reference: a task
/// word workers claim from, one fetch-sub each. `BasicScheduler`, the book's first design and
/// the baseline: a barrier round per job. A user may implement the protocol too; the
/// harness's property suites and stress driver take any `InspectableScheduler`.
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
/// - `stop(_:)` may be called by any thread, any number of times. Every thread waiting in the
///   scheduler, parked or spinning, returns `.stopped` in bounded time, and so does every
///   later call. The cause changes nothing in a correct scheduler; it tells a trace (and a
///   canary) a failure's stop from the owner's shutdown.
///
/// What a watchdog or a test needs beyond this (a snapshot of the words, a spurious wake) is
/// in `InspectableScheduler`, which the production path never calls.
public protocol JobScheduler: AnyObject, Sendable {
    /// A new scheduler for a pool of `threadCount` threads (caller included).
    init(threadCount: Int, spinPolicy: SpinPolicy)

    /// Jobs with a smaller target run sequentially on the caller.
    static var minimumJobSize: UInt64 { get }

    /// Short name for reports ("sequence", "futex", "basic", or a canary's name).
    static var name: String { get }

    /// Thread `thread`'s share of a job of `target` items: `Share.of`, the contract's split.
    /// A requirement only so that a canary scheduler can split differently; every real
    /// scheduler takes the default.
    static func share(thread: Int, threadCount: Int, target: UInt64) -> Share

    func start<Probe: PoolProbe>(target: UInt64, probe: Probe) throws(ProtocolInterruption)
    func waitForTask<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64
    func waitForStarted<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption)
    func stop(_ cause: StopCause)
    var isStopped: Bool { get }
}

extension JobScheduler {
    @inlinable
    public static func share(thread: Int, threadCount: Int, target: UInt64) -> Share {
        Share.of(thread: thread, threadCount: threadCount, target: target)
    }

    /// Stop for shutdown.
    public func stop() { stop(.shutdown) }
}

/// Why stop is raised.
public enum StopCause: Sendable, Hashable, CustomStringConvertible {
    /// The pool's owner shuts it down (or a test stops the scheduler).
    case shutdown
    /// Thread `thread` failed: stop keeps every other thread from waiting for it.
    case failure(thread: Int)

    public var description: String {
        switch self {
        case .shutdown: "shutdown"
        case .failure(let thread): "failure of thread \(thread)"
        }
    }
}
