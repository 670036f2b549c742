import Synchronization

/// `count` blocks of `stride` atomic words each, zeroed, in one allocation: the probe's
/// per-thread memory (`ThreadTraces`, `RaceCounters`) and the run's per-phase tallies
/// (`RunCoverage`). With `stride` a multiple of `CacheLine.words`, each block has cache
/// lines of its own, so that blocks written by different threads never share a line.
///
/// The words are accessed through pointers, each access stating its own ordering. Owned by
/// one object, which keeps it until no thread can touch its words.
final class AtomicWordBlocks: @unchecked Sendable {
    let count: Int
    let stride: Int
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    /// Set for blocks in memory that is not theirs (a caller slot's lines in the run's shared
    /// state, `SharedRunState`): kept alive here, never freed here.
    private let owner: AnyObject?

    init(count: Int, stride: Int) {
        self.count = count
        self.stride = stride
        owner = nil
        words = .allocate(capacity: count * stride)
        for index in 0..<(count * stride) { (words + index).initialize(to: Atomic(0)) }
    }

    /// `count` blocks in `words`, which `owner` keeps alive; zeroed first if `clear` (a
    /// reader of someone else's blocks leaves them as they are).
    init(count: Int, stride: Int, borrowing words: UnsafeMutablePointer<Atomic<UInt64>>, owner: AnyObject, clear: Bool) {
        self.count = count
        self.stride = stride
        self.owner = owner
        self.words = words
        // relaxed: cleared before the threads that use them exist; their creation orders it.
        if clear { for index in 0..<(count * stride) { words[index].store(0, ordering: .relaxed) } }
    }

    deinit {
        guard owner == nil else { return }
        words.deinitialize(count: count * stride)
        words.deallocate()
    }

    /// Word `word` of block `block`.
    @inline(__always)
    subscript(block: Int, word: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        words + (block &* stride &+ word)
    }
}
