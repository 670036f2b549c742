import Synchronization

/// One thread's slot in a `SlotReducerWith`: the job its contribution belongs to, and the
/// contribution, on one cache line that only this thread writes; and, on a page of its own,
/// the thread's private count of its merges.
///
/// Why the count is kept apart: the caller spins on the slot line, which takes the line away
/// from the slot's thread (or shares it). A thread that read its slot's sequence to compute
/// the next one would miss, fetch the line back, and then pay the upgrade for its store as a
/// second round trip; counting on a page nobody else touches, its first touch of the slot
/// line is the write (docs/PROTOCOL.md, "Cache lines per job").
@frozen
public struct ReducerSlot: Sendable {
    @usableFromInline package let line: SharedCacheLine
    /// The job (the reducer's `job` count) whose contribution the slot holds; 0 before the
    /// first. Written by the slot's thread only, with a releasing store.
    @usableFromInline package let sequence: PaddedAtomic<UInt64>
    /// The contribution: plain memory on purpose, so that ThreadSanitizer checks that the
    /// sequence's release/acquire orders every read of it.
    @usableFromInline package let contribution: PaddedCell<UInt64>
    /// The contributions this slot's thread has published: the number of the job it
    /// published last. Only that thread reads or writes it.
    @usableFromInline package let merges: PaddedCell<UInt64>

    init() {
        merges = PaddedCell(0)
        line = SharedCacheLine()
        sequence = PaddedAtomic(0, label: "slot.sequence", in: line, slot: 0)
        contribution = PaddedCell(0, in: line, slot: 1)
    }
}

/// The state of a `SlotReducerWith`, as its steps see it: one slot per thread (the caller's
/// included), and the caller's count of jobs.
///
/// Owned by one reducer, which deallocates it in its deinit.
@frozen
public struct SlotWords: Sendable {
    /// [thread] that thread's slot.
    public let slots: [ReducerSlot]
    /// The current job's number, counted by the caller's `reset` (1 for the first job). Only
    /// the caller writes it; an atomic so that watchdogs can read it.
    @usableFromInline package let job: PaddedAtomic<UInt64>
    public let threadCount: Int
    public let spinPolicy: SpinPolicy

    init(threadCount: Int, spinPolicy: SpinPolicy) {
        slots = (0..<threadCount).map { _ in ReducerSlot() }
        job = PaddedAtomic(0, label: "slot.job")
        self.threadCount = threadCount
        self.spinPolicy = spinPolicy
    }

    func deallocate() {
        for slot in slots {
            slot.line.deallocate()
            slot.merges.deallocate()
        }
        job.deallocate()
    }
}

/// The steps of the slot reducer, each one replaceable.
///
/// `SlotReducerWith` assembles `threadDone` and `waitForTotal` from these steps; the defaults
/// below are the real ones, and `CorrectSlotSteps` takes every default: `SlotReducer` is
/// `SlotReducerWith<CorrectSlotSteps>`. A canary replaces exactly one step and inherits the
/// rest (see `FutexSteps` for the design). The assembly and the orderings are in
/// docs/PROTOCOL.md, section 3.
public protocol SlotSteps: SendableMetatype {
    /// The canary's registry name; nil for the real steps.
    static var variantName: String? { get }

    /// `threadDone`: counts the merge in `merges`, writes `contribution` to this thread's slot
    /// and publishes it under that job number (`releaseSlot`). Returns the job number published.
    static func publish(_ words: SlotWords, contribution: UInt64, thread: Int) -> UInt64
    /// `publish`, once the contribution is written: stores the job number in the slot, which
    /// publishes the contribution to the caller.
    static func releaseSlot(_ slot: ReducerSlot, job: UInt64)
    /// `waitForTotal`: waits until slot `thread` holds job `job` (true), or `isStopped` says
    /// the pool stopped first (false).
    static func awaitSlot(_ words: SlotWords, thread: Int, job: UInt64, isStopped: () -> Bool) -> Bool
    /// `waitForTotal`, once slot `thread` holds the job: its contribution.
    static func readSlot(_ words: SlotWords, thread: Int) -> UInt64
    /// `sum + contribution`, or `.overflow`: never a wrap.
    static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64
    /// Inspection's test: whether slot `thread` holds job `job`.
    static func isPublished(_ words: SlotWords, thread: Int, job: UInt64) -> Bool
}

/// The real slot reducer's steps: every default.
public enum CorrectSlotSteps: SlotSteps {}

extension SlotSteps {
    @inlinable
    public static var variantName: String? { nil }

    @inlinable
    public static func publish(_ words: SlotWords, contribution: UInt64, thread: Int) -> UInt64 {
        let slot = words.slots[thread]
        // Each thread merges once per job, so its count of merges is the job's number. Its
        // private count, not the slot's sequence: the first touch of the slot line is the
        // store (ReducerSlot: why).
        let job = slot.merges.value &+ 1
        slot.merges.value = job
        slot.contribution.value = contribution
        Self.releaseSlot(slot, job: job)
        return job
    }

    @inlinable
    public static func releaseSlot(_ slot: ReducerSlot, job: UInt64) {
        // release: publishes the contribution, and everything this thread wrote before its
        // merge, to the caller's acquiring load in `awaitSlot`.
        slot.sequence.store(job, ordering: .releasing)
    }

    @inlinable
    public static func awaitSlot(_ words: SlotWords, thread: Int, job: UInt64, isStopped: () -> Bool) -> Bool {
        let sequence = words.slots[thread].sequence
        // relaxed: only decides when to stop waiting; the acquiring load below orders the read.
        _ = UnboundedSpinWait.wait(
            policy: words.spinPolicy,
            until: { sequence.load(ordering: .relaxed) == job },
            orFull: { sequence.load(ordering: .relaxed) == job || isStopped() })
        // acquire: pairs with the slot thread's releasing store in `publish`: its contribution
        // and its writes before the merge are visible after it. A slot that is in counts even
        // if the pool stopped meanwhile (a failure after that thread's contribution).
        return sequence.load(ordering: .acquiring) == job
    }

    @inlinable
    public static func readSlot(_ words: SlotWords, thread: Int) -> UInt64 {
        words.slots[thread].contribution.value
    }

    @inlinable
    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        try ReductionOverflow.checkedSum(sum, contribution)
    }

    @inlinable
    public static func isPublished(_ words: SlotWords, thread: Int, job: UInt64) -> Bool {
        // acquire: pairs with `publish`'s releasing store, as in `awaitSlot`.
        words.slots[thread].sequence.load(ordering: .acquiring) == job
    }
}
