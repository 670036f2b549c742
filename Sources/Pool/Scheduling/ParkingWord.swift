import CPoolSupport
import Glibc
import Synchronization

/// A 32-bit futex word, plus a count of the threads blocked (or about to block) on it.
///
/// The count lets the publisher skip the ~150 ns wake syscall when nobody sleeps, which is
/// the common case for a pool whose workers are still spinning. The skip is safe only if
/// publisher and sleeper follow the store-buffer (Dekker) pattern:
///
/// - sleeper: `sleepers += 1` (seq_cst RMW), then futex_wait(word, expected): the kernel
///   reads `word` under its bucket lock and sleeps only if it still equals `expected`;
/// - publisher: changes `word` with a seq_cst RMW, then loads `sleepers` (seq_cst) and
///   wakes if it is not 0.
///
/// Either the publisher's load sees the sleeper's increment (and wakes it), or the
/// increment comes later in the single seq_cst order, so the kernel's read of the word,
/// which follows it, sees the new value and the futex call returns EAGAIN at once. A
/// sleeper that parked before the publisher's wake is on the futex queue and is woken.
/// See docs/PROTOCOL.md, "Why no wake-up is lost".
///
/// Ownership: owned by one scheduler, which calls `deallocate()` in its deinit.
@frozen
@usableFromInline package struct ParkingWord: Sendable {
    @usableFromInline package let word: PaddedAtomic<UInt32>
    /// Threads blocked, or about to block, on `word`.
    @usableFromInline package let sleepers: PaddedAtomic<UInt32>

    /// `label` names the word in exploration traces; its sleeper count is "<label>.sleepers".
    @usableFromInline package init(_ initialValue: UInt32, label: StaticString, sleepersLabel: StaticString) {
        word = PaddedAtomic(initialValue, label: label)
        sleepers = PaddedAtomic(0, label: sleepersLabel)
    }

    /// A parking word over words that already exist (in a `SharedCacheLine`, say); their
    /// owner deallocates them, never this value.
    @usableFromInline package init(word: PaddedAtomic<UInt32>, sleepers: PaddedAtomic<UInt32>) {
        self.word = word
        self.sleepers = sleepers
    }

    /// Deallocates both words (only for a parking word built with `init(_:label:sleepersLabel:)`).
    @usableFromInline package func deallocate() {
        word.deallocate()
        sleepers.deallocate()
    }

    /// Blocks while the word equals `expected`. May return spuriously: callers loop.
    @inlinable
    package func park(whileEqualTo expected: UInt32) {
        Self.park(at: word.address, whileEqualTo: expected, sleepers: sleepers)
    }

    /// Blocks while the 32-bit futex word at `address` equals `expected`, counted in
    /// `sleepers` meanwhile. May return spuriously: callers loop.
    @inlinable
    package static func park(at address: UnsafeMutableRawPointer, whileEqualTo expected: UInt32,
                            sleepers: PaddedAtomic<UInt32>) {
        // seq_cst: the sleeper's half of the Dekker pair; pairs with the seq_cst load of
        // `sleepers` in `wakeAllIfSleeping`.
        _ = sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        futexWait(at: address, whileEqualTo: expected)
        // relaxed: only a hint for the publisher; an extra wake is harmless.
        _ = sleepers.wrappingSubtract(1, ordering: .relaxed)
    }

    /// The kernel's compare-then-sleep; in an exploration build on a controlled thread, the
    /// controller's model of it.
    @inlinable
    static func futexWait(at address: UnsafeMutableRawPointer, whileEqualTo expected: UInt32) {
        #if Exploration
        if let controller = Exploration.activeController {
            let atomic = address.assumingMemoryBound(to: Atomic<UInt32>.self)
            // relaxed: the model's compare runs while no other pool thread runs.
            _ = controller.futexWait(ExplorationWord(address: address), expected: expected,
                                     currentValue: { atomic.pointee.load(ordering: .relaxed) })
            return
        }
        #endif
        var error: Int32 = 0
        _ = cpool_futex_wait(address.assumingMemoryBound(to: UInt32.self), expected, &error)
    }

    /// Wakes every thread parked on the word, if any may be. Call it after changing the word
    /// with a seq_cst RMW or store.
    @inlinable
    package func wakeAllIfSleeping() {
        // seq_cst: the publisher's half of the Dekker pair; pairs with the seq_cst increment
        // in `park`.
        if sleepers.load(ordering: .sequentiallyConsistent) != 0 {
            wakeAll()
        }
    }

    /// Wakes every parked thread unconditionally (one syscall).
    @inlinable
    package func wakeAll() {
        Self.wakeAll(at: word.address)
    }

    /// Wakes every thread parked on the futex word at `address` (one syscall).
    @inlinable
    package static func wakeAll(at address: UnsafeMutableRawPointer) {
        #if Exploration
        if let controller = Exploration.activeController {
            _ = controller.futexWake(ExplorationWord(address: address), count: Int32.max)
            return
        }
        #endif
        _ = cpool_futex_wake(address.assumingMemoryBound(to: UInt32.self), Int32.max)
    }

    /// Threads blocked or about to block (a diagnostic snapshot; relaxed, and read past
    /// exploration's scheduling points: diagnostics are not part of the protocol).
    @usableFromInline package var sleeperCount: UInt32 { sleepers.pointer.pointee.load(ordering: .relaxed) }
}
