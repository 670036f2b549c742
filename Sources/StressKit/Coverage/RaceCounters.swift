import Synchronization

/// One pool's protocol-race counts (`ProtocolRace`), and the little per-thread state their
/// classification needs (`RaceObserver`).
///
/// Per thread, its own block of cache lines: one line of state words, then one counter per
/// race. Each block is written only by its own thread (the caller's, thread 0's, also by the
/// runner on the caller thread), so counting adds no shared cache line to the job path; the
/// blocks are summed when the pool ends (`RunCoverage.add`). Every word is an atomic with
/// relaxed single-writer updates (a load and a store, no RMW): a report taken while the pool
/// still runs (a violation) reads a snapshot without a data race.
final class RaceCounters: @unchecked Sendable {
    /// A thread's state words, in the first line of its block.
    enum Field: Int, CaseIterable {
        /// `beforePark` passes since the thread's last claim (or job start, for the caller).
        case parksSinceClaim = 0
        /// The current merge: `MergeFlags`.
        case merge
        /// Thread 0 only: 1 from `jobStarted` until `run` returns (`RaceObserver.jobReturned`).
        /// The one state word another thread reads: a failing worker, rarely.
        case callerInJob
    }

    /// Bits of `Field.merge`, set at `beforeMerge` and `lockTaken`.
    enum MergeFlags {
        /// At `beforeMerge`, the probe's lock owner was another thread.
        static let sawHolder: UInt64 = 1
        /// This merge passed `lockTaken`.
        static let tookLock: UInt64 = 2
    }

    /// Words per thread: a line of state, then the counters rounded up to whole lines.
    static var stride: Int {
        CacheLine.words + (ProtocolRace.allCases.count + CacheLine.words - 1) / CacheLine.words * CacheLine.words
    }

    var threadCount: Int { words.count }
    private let words: AtomicWordBlocks

    init(threadCount: Int) {
        precondition(Field.allCases.count <= CacheLine.words, "RaceCounters: the state fields must fit in one cache line")
        words = AtomicWordBlocks(count: threadCount, stride: Self.stride)
    }

    /// Thread `thread`'s state word `field` (only that thread touches it).
    @inline(__always)
    subscript(thread: Int, field: Field) -> UnsafeMutablePointer<Atomic<UInt64>> {
        words[thread, field.rawValue]
    }

    @inline(__always)
    private func counter(_ race: ProtocolRace, thread: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        words[thread, CacheLine.words &+ race.ordinal]
    }

    /// Thread `thread` saw `race` once more. Call it only on that thread.
    @inline(__always)
    func count(_ race: ProtocolRace, thread: Int) {
        let word = counter(race, thread: thread)
        // relaxed, both: a single writer's tally, read as a snapshot.
        word.pointee.store(word.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Sets a state word of the calling thread.
    @inline(__always)
    func set(_ field: Field, thread: Int, to value: UInt64) {
        // relaxed: only this thread reads it back.
        self[thread, field].pointee.store(value, ordering: .relaxed)
    }

    /// Reads a state word of the calling thread.
    @inline(__always)
    func value(of field: Field, thread: Int) -> UInt64 {
        // relaxed: this thread's own word.
        self[thread, field].pointee.load(ordering: .relaxed)
    }

    /// Every race's count over every thread, in `ProtocolRace.allCases` order: exact once
    /// the pool's threads are joined, a snapshot before.
    func totals() -> [UInt64] {
        ProtocolRace.allCases.map { race in
            // relaxed: see the type's comment.
            (0..<threadCount).reduce(0) { $0 &+ counter(race, thread: $1).pointee.load(ordering: .relaxed) }
        }
    }
}

extension ProtocolRace {
    /// The race's position in `allCases`: a counter index, free at run time. A case without a
    /// payload is stored as its declaration index (a one-byte tag for up to 256 cases), so
    /// this is that byte; a test checks it against `allCases`.
    @inline(__always)
    var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }
}
