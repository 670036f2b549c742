import Synchronization
/// The state of a `SpinLockReducerWith`, as its steps see it: a lock, the count of
/// contributions still expected, and the sum, each on its own cache lines.
///
/// The sum is plain memory, not an atomic, on purpose: every access to it is ordered by the
/// lock or by the count's release/acquire, and ThreadSanitizer checks that.
///
/// Owned by one reducer, which deallocates it in its deinit.
@frozen
public struct SpinLockWords: Sendable {
    @usableFromInline package let lock: PaddedAtomic<Bool>
    @usableFromInline package let remaining: PaddedAtomic<UInt32>
    @usableFromInline package let sum: PaddedCell<UInt64>
    public let spinPolicy: SpinPolicy

    init(spinPolicy: SpinPolicy) {
        lock = PaddedAtomic(false, label: "lock")
        remaining = PaddedAtomic(0, label: "remaining")
        sum = PaddedCell(0)
        self.spinPolicy = spinPolicy
    }

    func deallocate() {
        lock.deallocate()
        remaining.deallocate()
        sum.deallocate()
    }
}

/// The steps of the spin-lock reducer, each one replaceable.
///
/// `SpinLockReducerWith` assembles `threadDone` from these steps; the defaults below are the
/// real ones, and `CorrectSpinLockSteps` takes every default: `SpinLockReducer` is
/// `SpinLockReducerWith<CorrectSpinLockSteps>`. A canary replaces exactly one step and
/// inherits the rest (see `FutexSteps` for the design). The assembly and the orderings are in
/// docs/PROTOCOL.md, section 6.
public protocol SpinLockSteps: SendableMetatype {
    /// The canary's registry name; nil for the real steps.
    static var variantName: String? { get }

    /// The fast path's test: whether every other contribution is already in.
    static func isLast(_ words: SpinLockWords) -> Bool
    /// Takes the lock.
    static func acquireLock(_ words: SpinLockWords)
    /// Releases the lock this thread holds.
    static func releaseLock(_ words: SpinLockWords)
    /// `sum + contribution`, or `.overflow`: never a wrap.
    static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64
    /// Publishes the new count (and, through it, the sum it covers). Returns the value stored.
    static func publishCount(_ words: SpinLockWords, _ newCount: UInt32, thread: Int) -> UInt32
    /// On the locked path: whether the merge that found `countBefore` completed the job.
    static func isLastDecrement(countBefore: UInt32) -> Bool
    /// After the fast path, which took no lock: what it releases (the real one: nothing).
    static func releaseAfterFastPath<Probe: PoolProbe>(_ words: SpinLockWords, thread: Int, probe: Probe) throws(ProtocolInterruption)
    /// The caller's test for the total: whether the count reached 0.
    static func isComplete(_ words: SpinLockWords) -> Bool
}

/// The real spin-lock reducer's steps: every default.
public enum CorrectSpinLockSteps: SpinLockSteps {}

extension SpinLockSteps {
    @inlinable
    public static var variantName: String? { nil }

    @inlinable
    public static func isLast(_ words: SpinLockWords) -> Bool {
        // acquire: pairs with the releasing count store of every earlier merge
        // (`publishCount`), so the sum they wrote is visible to the fast path.
        words.remaining.load(ordering: .acquiring) == 1
    }

    @inlinable
    public static func acquireLock(_ words: SpinLockWords) {
        let lock = words.lock
        // acquire: pairs with the previous holder's releasing store in releaseLock.
        while lock.exchange(true, ordering: .acquiring) {
            // relaxed: just waits for the lock to look free before the next exchange.
            _ = UnboundedSpinWait.wait(
                policy: words.spinPolicy,
                until: { !lock.load(ordering: .relaxed) },
                orFull: { !lock.load(ordering: .relaxed) })
        }
    }

    @inlinable
    public static func releaseLock(_ words: SpinLockWords) {
        // release: pairs with the next holder's acquiring exchange.
        words.lock.store(false, ordering: .releasing)
    }

    @inlinable
    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        try ReductionOverflow.checkedSum(sum, contribution)
    }

    @inlinable
    public static func publishCount(_ words: SpinLockWords, _ newCount: UInt32, thread: Int) -> UInt32 {
        // release: publishes the sum to whoever acquires the count (the fast-path thread's
        // isLast, or the caller's isComplete).
        words.remaining.store(newCount, ordering: .releasing)
        return newCount
    }

    @inlinable
    public static func isLastDecrement(countBefore: UInt32) -> Bool { countBefore == 1 }

    @inlinable
    public static func releaseAfterFastPath<Probe: PoolProbe>(
        _ words: SpinLockWords, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) {
        // Nothing: this thread took no lock, so it releases none. The book's version released
        // the lock here (its guard's drop): the latent bug of docs/ORIGIN.md, "The latent reducer bug".
    }

    @inlinable
    public static func isComplete(_ words: SpinLockWords) -> Bool {
        // acquire: pairs with the releasing count store of the last merge.
        words.remaining.load(ordering: .acquiring) == 0
    }
}
