import Synchronization

/// The state of a `SequenceSchedulerWith`, as its steps see it.
///
/// One `SharedCacheLine` carries every word the caller writes to publish a job, so that one
/// transfer brings a worker all of it:
/// - `job.word` (slot 0), the futex word: the current job's sequence in bits 0 ... 30
///   (0 before the first job, then 1, 2, ..., wrapping within 31 bits), and **stop** in bit 31;
/// - `target` (slot 1): the current job's target, published by the sequence's change;
/// - `job.sleepers` (slot 2): the threads parked, or about to park, on the job word.
///
/// Beside it, on pages of their own:
/// - one plain cell per worker, `taken[thread]`: the sequence that worker last took (0 at
///   first). Only that worker reads or writes it.
/// - `published`, a plain cell: the sequence the caller published last. Only the caller reads
///   or writes it.
/// - `stopped`: a copy of the stop bit that `isStopped` polls, set before the bit.
///
/// Why the two copies: no thread reads a line it is about to write that another thread spins
/// on. A worker spinning on the job line takes the caller's copy of it away (or shares it);
/// a caller that then *read* the line (to learn the sequence, or to check stop) would miss
/// and fetch it, and then pay the upgrade for its write as a second round trip. Reading its
/// own `published` and the `stopped` copy (written once, at stop) instead, the caller's first
/// touch of the job line is the write: one upgrade, as in the hand-off floor
/// (docs/PROTOCOL.md, "Cache lines per job").
///
/// Owned by one scheduler, which deallocates it in its deinit.
@frozen
public struct SequenceWords: Sendable {
    /// The stop flag in the job word.
    public static let stopBit: UInt32 = 1 << 31
    /// The bits of the job word that hold the sequence.
    public static let sequenceMask: UInt32 = stopBit - 1

    @usableFromInline package let line: SharedCacheLine
    /// The futex word (the job sequence and stop) and its sleeper count, on `line`.
    @usableFromInline package let job: ParkingWord
    /// The current job's target, on `line`.
    @usableFromInline package let target: PaddedAtomic<UInt64>
    /// [thread] the sequence worker `thread` last took; entry 0 (the caller) is unused.
    @usableFromInline package let taken: [PaddedCell<UInt64>]
    /// The sequence the caller published last (the job word's sequence bits, as only the
    /// caller changes them); the caller's private copy.
    @usableFromInline package let published: PaddedCell<UInt64>
    /// True once stop is raised: set before the job word's stop bit, never cleared.
    @usableFromInline package let stopped: PaddedAtomic<Bool>
    public let spinPolicy: SpinPolicy

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        line = SharedCacheLine()
        job = ParkingWord(word: PaddedAtomic(0, label: "sequence", in: line, slot: 0),
                          sleepers: PaddedAtomic(0, label: "sequence.sleepers", in: line, slot: 2))
        target = PaddedAtomic(0, label: "target", in: line, slot: 1)
        taken = (0..<threadCount).map { _ in PaddedCell(0) }
        published = PaddedCell(0)
        stopped = PaddedAtomic(false, label: "sequence.stopped")
        self.spinPolicy = spinPolicy
    }

    func deallocate() {
        line.deallocate()
        for cell in taken { cell.deallocate() }
        published.deallocate()
        stopped.deallocate()
    }

    /// The sequence worker `thread` last took (its own cell: a plain read).
    @inlinable
    public func sequenceTaken(by thread: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: taken[thread].value)
    }

    /// The sequence that follows `sequence` (31 bits, wrapping).
    @inlinable
    public static func sequence(after sequence: UInt32) -> UInt32 {
        (sequence &+ 1) & sequenceMask
    }
}

/// The steps of the sequence scheduler, each one replaceable.
///
/// `SequenceSchedulerWith` assembles its protocol from these steps; the defaults below are the
/// real ones, and `CorrectSequenceSteps` takes every default: `SequenceScheduler` is
/// `SequenceSchedulerWith<CorrectSequenceSteps>`. A canary replaces exactly one step and
/// inherits the rest (see `FutexSteps` for the design). The assembly and the orderings are in
/// docs/PROTOCOL.md, section 2.
public protocol SequenceSteps: SendableMetatype {
    /// The canary's registry name; nil for the real steps.
    static var variantName: String? { get }

    /// `start`: stores the target and moves the job word from the sequence published last
    /// (`published`) to the next (`advanceSequence`), or throws `.stopped`. It never reads
    /// the job line before writing it.
    static func publishJob(_ words: SequenceWords, target: UInt64) throws(ProtocolInterruption)
    /// `publishJob`, once the target is stored: the compare-exchange of the job word from
    /// `current` to the next sequence, which publishes the job.
    static func advanceSequence(_ words: SequenceWords, from current: UInt32) -> (exchanged: Bool, original: UInt32)
    /// `start`, after publishing: wakes parked workers, if any may be parked.
    static func wakeForJob(_ words: SequenceWords)
    /// `waitForTask`: bounded spin until the job word differs from `taken` (a new job, or
    /// stop). False: the worker parks next.
    static func spinForTask(_ words: SequenceWords, taken: UInt32) -> Bool
    /// `waitForTask`: blocks while the job word equals `taken` (may return spuriously).
    static func parkForTask(_ words: SequenceWords, taken: UInt32)
    /// `waitForTask`, once the job word changed: takes the new job (records its sequence in
    /// `taken[thread]`, returns its target), or throws `.stopped`.
    static func take<Probe: PoolProbe>(_ words: SequenceWords, thread: Int, taken: UInt32, probe: Probe) throws(ProtocolInterruption) -> UInt64
    /// `stop(.shutdown)`: raises stop and wakes every parked thread.
    static func raiseStop(_ words: SequenceWords)
    /// `stop(.failure)`: what a failing thread does; the real one raises stop like shutdown.
    static func raiseStopAfterFailure(_ words: SequenceWords, thread: Int)
    /// `raiseStop`, after the stop bit is set: wakes every parked thread.
    static func wakeAfterStop(_ words: SequenceWords)
    /// Diagnostics: the watchdog's rescue and injected spurious wakes. Wakes every thread
    /// parked on the scheduler's words.
    static func rescueWake(_ words: SequenceWords)
    /// `JobScheduler.share`: the contract's split (`Share.of`).
    static func share(thread: Int, threadCount: Int, target: UInt64) -> Share
    /// The scheduler's deinit: frees every page of `words`.
    static func deallocateWords(_ words: SequenceWords)
}

/// The real sequence scheduler's steps: every default.
public enum CorrectSequenceSteps: SequenceSteps {}

extension SequenceSteps {
    @inlinable
    public static var variantName: String? { nil }

    @inlinable
    public static func publishJob(_ words: SequenceWords, target newTarget: UInt64) throws(ProtocolInterruption) {
        // Not read from the job word: only the caller changes the sequence, so its own copy is
        // the word's sequence bits, and a stop raised meanwhile makes the compare-exchange
        // below fail (SequenceWords: why the caller does not read the line first).
        let current = UInt32(truncatingIfNeeded: words.published.value)
        // relaxed: published by the compare-exchange below (its release half), which every
        // worker reads with the acquiring load in `take`.
        words.target.store(newTarget, ordering: .relaxed)
        let (exchanged, original) = Self.advanceSequence(words, from: current)
        if !exchanged {
            if original & SequenceWords.stopBit != 0 { throw .stopped }
            preconditionFailure(
                "SequenceScheduler.start: the job word moved from \(current) to \(original) under the caller; two threads started jobs at once")
        }
        words.published.value = UInt64(SequenceWords.sequence(after: current))
        PoolTrace.log(0, "sequence: published job \(SequenceWords.sequence(after: current)), target \(newTarget)")
    }

    @inlinable
    public static func advanceSequence(_ words: SequenceWords, from current: UInt32) -> (exchanged: Bool, original: UInt32) {
        // seq_cst: release publishes the target and everything the caller wrote before start
        // (the reducer's reset) to the workers (pairs with the acquiring load in `take`);
        // seq_cst also makes it the publisher's half of ParkingWord's Dekker pair (pairs with
        // park's increment). A compare-exchange, not a store: a stop raised meanwhile by a
        // failing thread must not be overwritten. Failure, acquiring: it read raiseStop's RMW,
        // after which this thread's `isStopped` sees `stopped` (set before the RMW) and the
        // next job's check in `ThreadPool.run` throws before it resets the reducer.
        words.job.word.compareExchange(
            expected: current, desired: SequenceWords.sequence(after: current),
            successOrdering: .sequentiallyConsistent, failureOrdering: .acquiring)
    }

    @inlinable
    public static func wakeForJob(_ words: SequenceWords) {
        words.job.wakeAllIfSleeping()
    }

    @inlinable
    public static func spinForTask(_ words: SequenceWords, taken: UInt32) -> Bool {
        let word = words.job.word
        // relaxed: only decides whether to take; `take` acquires.
        return BoundedSpinWait.wait(
            policy: words.spinPolicy,
            until: { word.load(ordering: .relaxed) != taken },
            orFull: { word.load(ordering: .relaxed) != taken })
    }

    @inlinable
    public static func parkForTask(_ words: SequenceWords, taken: UInt32) {
        // The value checked is `taken`: the kernel re-checks it, so a job (or a stop)
        // published since the check makes the wait return at once (docs/PROTOCOL.md, "Why no
        // wake-up is lost").
        words.job.park(whileEqualTo: taken)
    }

    @inlinable
    public static func take<Probe: PoolProbe>(
        _ words: SequenceWords, thread: Int, taken: UInt32, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        // acquire: pairs with publishJob's compare-exchange (and raiseStop's RMW): the target,
        // the reducer's reset and everything the caller wrote before start are visible after it.
        let current = words.job.word.load(ordering: .acquiring)
        if current & SequenceWords.stopBit != 0 {
            PoolTrace.log(thread, "sequence: saw stop")
            throw .stopped
        }
        precondition(current == SequenceWords.sequence(after: taken),
                     "SequenceScheduler: worker \(thread) took job \(taken) last, and now finds job \(current): it skipped a job or is taking one twice")
        words.taken[thread].value = UInt64(current)
        // relaxed: ordered by the acquiring load above.
        let target = words.target.load(ordering: .relaxed)
        PoolTrace.log(thread, "sequence: took job \(current), target \(target)")
        try probe.pass(.taskClaimed, thread: thread, value: target)
        return target
    }

    @inlinable
    public static func raiseStop(_ words: SequenceWords) {
        // relaxed: released by the RMW below to whoever acquires the stop bit (take, a failed
        // publish); `isStopped`, which polls it, is a hint.
        words.stopped.store(true, ordering: .relaxed)
        // seq_cst: release so that a worker's acquiring load that reads it sees what the
        // stopper wrote before (its failure record); seq_cst is not needed for the wake, which
        // is unconditional. An RMW: it keeps the sequence, and a concurrent start's
        // compare-exchange fails on it.
        _ = words.job.word.bitwiseOr(SequenceWords.stopBit, ordering: .sequentiallyConsistent)
        Self.wakeAfterStop(words)
    }

    @inlinable
    public static func raiseStopAfterFailure(_ words: SequenceWords, thread: Int) {
        Self.raiseStop(words)
    }

    @inlinable
    public static func wakeAfterStop(_ words: SequenceWords) {
        words.job.wakeAll()
    }

    public static func rescueWake(_ words: SequenceWords) {
        words.job.wakeAll()
    }

    @inlinable
    public static func share(thread: Int, threadCount: Int, target: UInt64) -> Share {
        Share.of(thread: thread, threadCount: threadCount, target: target)
    }

    public static func deallocateWords(_ words: SequenceWords) {
        words.deallocate()
    }
}
