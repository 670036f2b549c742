import CPoolSupport
import Glibc
import Pool
import Synchronization

/// Trace words that belong to someone else (a caller slot's lines in the run's shared state,
/// `SharedRunState`): `ThreadTraces` writes there instead of allocating, and keeps `owner`
/// alive.
struct SharedTraceStorage {
    let words: UnsafeMutablePointer<Atomic<UInt64>>
    let owner: AnyObject
}

/// What each pool thread last did, as its probe points record it: the last point, its value
/// and time (the watchdog's dump), and the jobs it last claimed and contributed to (the
/// per-job checks, and the fault trigger's "contributed yet?").
///
/// One cache line per thread (`CacheLine.words` words), written only by that thread. The
/// caller reads the claims after a job; the watchdog reads snapshots, which may be torn. In
/// the stress driver the lines live in the run's shared state (`SharedTraceStorage`), so
/// that the supervisor still reads them after the process died.
final class ThreadTraces: @unchecked Sendable {
    /// A thread's words, in its line.
    enum Field: Int, CaseIterable {
        /// The last probe point's raw value + 1; 0 = none reached yet.
        case lastPoint = 0
        case lastValue
        /// `MonotonicClock` nanoseconds at the last point.
        case lastTime
        /// The job of the worker's last claim.
        case claimedJob
        /// The target of the worker's last claim (the job's books may be reused while the
        /// worker is still late in it: its own word stays exact).
        case claimedTarget
        /// The job of the thread's last count decrement.
        case contributedJob
        /// `pthread_self()` of the thread at its last point: names the thread of a crash.
        case threadHandle
        /// The thread's kernel id (`gettid`), stored at its first point: the watchdog asks
        /// the kernel whether a thread that looks parked really sleeps (`KernelThreadState`).
        case kernelThreadID
    }

    let threadCount: Int
    private let words: AtomicWordBlocks

    /// Traces in words of their own, or in `storage` (which must hold `threadCount` lines),
    /// cleared.
    init(threadCount: Int, storage: SharedTraceStorage? = nil) {
        precondition(Field.allCases.count <= CacheLine.words, "ThreadTraces: the fields must fit in one cache line")
        self.threadCount = threadCount
        words = storage.map {
            AtomicWordBlocks(count: threadCount, stride: CacheLine.words, borrowing: $0.words, owner: $0.owner, clear: true)
        } ?? AtomicWordBlocks(count: threadCount, stride: CacheLine.words)
    }

    /// A reader's view of traces someone else writes (the supervisor's view of a dead
    /// driver's slot): nothing is cleared.
    init(reading storage: SharedTraceStorage, threadCount: Int) {
        self.threadCount = threadCount
        words = AtomicWordBlocks(count: threadCount, stride: CacheLine.words, borrowing: storage.words, owner: storage.owner,
                                 clear: false)
    }

    /// Thread `thread`'s word `field`: each access states its own ordering.
    @inline(__always)
    subscript(thread: Int, field: Field) -> UnsafeMutablePointer<Atomic<UInt64>> {
        words[thread, field.rawValue]
    }

    /// Pool thread `thread`: it reached `point` with `value`, now.
    @inline(__always)
    func record(_ point: ProbePoint, thread: Int, value: UInt64) {
        // relaxed, all three: diagnostics for the watchdog, which tolerates torn snapshots.
        self[thread, .lastPoint].pointee.store(UInt64(point.rawValue) &+ 1, ordering: .relaxed)
        self[thread, .lastValue].pointee.store(value, ordering: .relaxed)
        self[thread, .lastTime].pointee.store(MonotonicClock.nanoseconds(), ordering: .relaxed)
        self[thread, .threadHandle].pointee.store(UInt64(pthread_self()), ordering: .relaxed)
        // relaxed, both: this thread's own word, read by the watchdog as a snapshot. One
        // syscall per thread and pool, at its first point; a load of its own line after that.
        if self[thread, .kernelThreadID].pointee.load(ordering: .relaxed) == 0 {
            self[thread, .kernelThreadID].pointee.store(UInt64(UInt32(bitPattern: cpool_gettid())), ordering: .relaxed)
        }
    }

    /// What the kernel says of thread `thread` now, or nil before its first point.
    func kernelState(of thread: Int) -> KernelThreadState? {
        // relaxed: a snapshot for the watchdog.
        let tid = Int32(truncatingIfNeeded: self[thread, .kernelThreadID].pointee.load(ordering: .relaxed))
        return KernelThreadState.read(tid: tid)
    }

    /// The pool thread whose last point was passed by the thread `handle`, or nil.
    func thread(withHandle handle: UInt64) -> Int? {
        // relaxed: a snapshot of a dead process's words (see `SharedRunState`).
        (0..<threadCount).first { self[$0, .threadHandle].pointee.load(ordering: .relaxed) == handle }
    }

    /// Each thread's last probe point, one line each: the watchdog's dump and the crash
    /// report. `marked` is flagged (the thread that crashed). `askingKernel`: add what the
    /// kernel says of each thread (only a reader inside the pool's own process can ask).
    func describe(now: UInt64, marked: Int? = nil, askingKernel: Bool = false) -> String {
        var text = ""
        for thread in 0..<threadCount {
            let last = lastPoint(of: thread)
            let name = thread == 0 ? "caller  " : "worker \(thread)"
            let flag = thread == marked ? " <- died here" : ""
            let kernel = askingKernel ? kernelState(of: thread).map { "; kernel: \($0)" } ?? "" : ""
            if let point = last.point {
                text += "  \(name): last point '\(point)' (value \(last.value)) \(duration(now &- last.time)) ago\(kernel)\(flag)\n"
            } else {
                text += "  \(name): no probe point reached yet\(flag)\n"
            }
        }
        return text
    }

    /// Snapshot of one thread's trace, for the watchdog.
    func lastPoint(of thread: Int) -> (point: ProbePoint?, value: UInt64, time: UInt64) {
        let raw = self[thread, .lastPoint].pointee.load(ordering: .relaxed)
        let point = raw == 0 ? nil : ProbePoint(rawValue: UInt8(raw - 1))
        return (point, self[thread, .lastValue].pointee.load(ordering: .relaxed),
                self[thread, .lastTime].pointee.load(ordering: .relaxed))
    }

    /// Threads whose last count decrement was for `job` (watchdog).
    func contributors(toJob job: UInt64) -> Int {
        // relaxed, all: a diagnostic snapshot.
        (0..<threadCount).filter { self[$0, .contributedJob].pointee.load(ordering: .relaxed) == job }.count
    }

    /// Caller, after job `number` completed: the first worker whose last claim is not that
    /// job (a task claimed twice or by the wrong worker), or nil.
    func workerNotClaiming(job number: UInt64) -> (thread: Int, claimed: UInt64)? {
        for thread in 1..<threadCount {
            // acquire: pairs with the worker's releasing store at its claim.
            let claimed = self[thread, .claimedJob].pointee.load(ordering: .acquiring)
            if claimed != number { return (thread, claimed) }
        }
        return nil
    }
}
