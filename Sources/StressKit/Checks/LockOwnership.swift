import Synchronization

/// Who holds the reducer's lock, as the probe has seen it: a thread may take it only when
/// nobody holds it, and release it only if it holds it. The second half is the check that
/// catches the book's latent bug, a fast-path thread releasing a lock it never took
/// (docs/ORIGIN.md, "The latent reducer bug").
final class LockOwnership: @unchecked Sendable {
    static let nobody = -1

    /// The holder's thread number, or `nobody` (as far as the probe has seen).
    private let owner = Atomic<Int>(LockOwnership.nobody)

    /// `thread` passed `lockTaken`. Returns the thread that already held the lock, if any.
    @inline(__always)
    func take(thread: Int) -> Int? {
        // relaxed: the owner check needs only the word's own modification order. No
        // acquire/release here: it would order the sum for TSan even if the reducer's
        // lock failed to.
        let (exchanged, holder) = owner.compareExchange(expected: Self.nobody, desired: thread, ordering: .relaxed)
        return exchanged ? nil : holder
    }

    /// `thread` passed `lockReleasing`. Returns the actual holder (`nobody` included) if it
    /// is not `thread`.
    @inline(__always)
    func release(thread: Int) -> Int? {
        // relaxed: as in `take`.
        let (exchanged, holder) = owner.compareExchange(expected: thread, desired: Self.nobody, ordering: .relaxed)
        return exchanged ? nil : holder
    }

    /// The holder as the probe has seen it, or `nobody`: what a thread coming to merge
    /// finds (`RaceObserver`). A snapshot, not a check.
    @inline(__always)
    var holder: Int {
        // relaxed: as in `take`; a race count hangs on it, no data.
        owner.load(ordering: .relaxed)
    }

    /// `thread` throws out of the reducer, which releases its lock on the way out without
    /// passing `lockReleasing`: forget it as the holder, if it was.
    func forget(thread: Int) {
        // relaxed: as in `take`.
        _ = owner.compareExchange(expected: thread, desired: Self.nobody, ordering: .relaxed)
    }
}
