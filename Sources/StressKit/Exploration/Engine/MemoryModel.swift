#if Exploration
import Pool
/// A vector clock over the controlled thread slots: entry `t` is the last event of thread `t`
/// that happens before the owner's current point.
struct VectorClock {
    static let slots = 8
    private var ticks: InlineArray<8, Int32> = .init(repeating: 0)

    static let zero = VectorClock()

    subscript(thread: Int) -> Int32 {
        get { ticks[thread] }
        set { ticks[thread] = newValue }
    }

    mutating func join(_ other: VectorClock) {
        for slot in 0..<Self.slots where other.ticks[slot] > ticks[slot] { ticks[slot] = other.ticks[slot] }
    }
}

/// One store of a word's history, in modification order.
struct StoreRecord {
    var value: UInt64
    /// The writing thread; -1 for the value a word held when the model first met it.
    var thread: Int
    /// The decision at which it was written (0 for an initial value), for traces.
    var step: Int
    /// What an acquire that reads this store gets: the clock of the release sequence it
    /// belongs to (a release store, continued by read-modify-writes), nil if none.
    var releaseClock: VectorClock?
    /// Per thread, the first event of that thread that wrote or read this store
    /// (`Int32.max`: none). A thread whose clock covers one of them may not read older stores
    /// (coherence: write-read and read-read, through happens-before).
    var firstSeen: InlineArray<8, Int32>
}

/// A word's stores, oldest first: the last `limit` of its modification order.
struct WordHistory {
    static let limit = 12
    var stores: [StoreRecord]
    /// The modification-order index of `stores[0]`.
    var base = 0
    /// A seq_cst load may not read a store older than this modification-order index: the
    /// last seq_cst store of the word, the newest store a seq_cst load read, and what a
    /// seq_cst fence (the kernel's) saw (C++20 [atomics.order]: the single total order S is
    /// consistent with coherence; our S is the execution order).
    var sequentialFloor = 0

    var latest: StoreRecord { stores[stores.count - 1] }
}

/// The C++20 memory model (RC11's repair of C11) for the words one schedule touches.
///
/// The execution order of the stores to a word is its modification order, and the execution
/// order of the seq_cst operations is the single total order S. A load may read any store of
/// its word's history that is not older than
/// - a store this thread already read or wrote, or one that a thread's event that happens
///   before the load read or wrote (coherence, through `StoreRecord.firstSeen`);
/// - for a seq_cst load: the word's `sequentialFloor`.
/// A read-modify-write reads the latest store. An acquire that reads a store with a release
/// clock joins it; a release store carries the writer's clock; a read-modify-write continues
/// the release sequence of the store it reads. Loads never read a store not yet executed, so
/// load-buffering cycles are forbidden, as RC11 forbids them.
///
/// Plain state, owned by one `ScheduleRun`: only the thread that holds the baton touches it.
struct MemoryModel {
    let kind: MemoryModelKind
    private(set) var clocks = Array(repeating: VectorClock.zero, count: VectorClock.slots)
    private var words: [UInt: WordHistory] = [:]
    /// Per token of an unscheduled synchronization (`ExplorationController.happensBefore`): the join of the clocks of
    /// every release of it so far.
    private var tokenClocks: [UInt: VectorClock] = [:]

    init(kind: MemoryModelKind) {
        precondition(ScheduleRunLimits.maximumThreads == VectorClock.slots, "VectorClock.slots must match the controller's thread slots")
        self.kind = kind
        words.reserveCapacity(32)
    }

    var isWeak: Bool { kind != .sc }

    private func isSequential(_ ordering: AtomicOrderingKind) -> Bool {
        ordering == .sequentiallyConsistent && kind == .c11
    }

    private static func acquires(_ ordering: AtomicOrderingKind) -> Bool {
        ordering == .acquiring || ordering == .acquiringAndReleasing || ordering == .sequentiallyConsistent
    }

    private static func releases(_ ordering: AtomicOrderingKind) -> Bool {
        ordering == .releasing || ordering == .acquiringAndReleasing || ordering == .sequentiallyConsistent
    }

    /// The next event of `thread`: its own clock entry.
    private mutating func tick(_ thread: Int) -> Int32 {
        clocks[thread][thread] += 1
        return clocks[thread][thread]
    }

    private static func initial(_ value: UInt64) -> StoreRecord {
        StoreRecord(value: value, thread: -1, step: 0, releaseClock: nil, firstSeen: .init(repeating: 0))
    }

    /// The word's history, begun (or begun again) if memory holds `current` and the history
    /// does not end with it: a write the model did not see (a word reset between schedules,
    /// or created since), which every thread sees.
    private mutating func history(_ address: UInt, current: UInt64) -> WordHistory {
        if let history = words[address], history.latest.value == current { return history }
        let history = WordHistory(stores: [Self.initial(current)])
        words[address] = history
        return history
    }

    /// `body` on the word's history, in place (no copy of its stores).
    private mutating func withHistory<Result>(_ address: UInt, _ body: (inout WordHistory) -> Result) -> Result {
        body(&words[address]!)
    }

    /// The index in `history.stores` of the oldest store `thread` may read now.
    private func oldestReadable(_ history: WordHistory, by thread: Int, sequential: Bool) -> Int {
        let clock = clocks[thread]
        var oldest = 0
        for index in stride(from: history.stores.count - 1, through: 0, by: -1) {
            let seen = history.stores[index].firstSeen
            var covered = false
            for other in 0..<VectorClock.slots where seen[other] <= clock[other] {
                covered = true
                break
            }
            if covered {
                oldest = index
                break
            }
        }
        if sequential { oldest = max(oldest, history.sequentialFloor - history.base) }
        return oldest
    }

    /// A load's options: how many stores, from the latest back, `thread` may read
    /// (at least 1). `current` is the value in memory (the latest store).
    mutating func readableCount(_ address: UInt, current: UInt64, by thread: Int, ordering: AtomicOrderingKind) -> Int {
        let history = history(address, current: current)
        return history.stores.count - oldestReadable(history, by: thread, sequential: isSequential(ordering))
    }

    /// `thread` loads the store `staleness` back from the latest (0: the latest; within
    /// `readableCount`). Returns it, and the latest.
    mutating func load(_ address: UInt, staleness: Int, by thread: Int, ordering: AtomicOrderingKind)
        -> (read: StoreRecord, latest: StoreRecord) {
        let event = tick(thread)
        let sequential = isSequential(ordering)
        let (read, latest) = withHistory(address) { history in
            let index = history.stores.count - 1 - staleness
            if history.stores[index].firstSeen[thread] > event { history.stores[index].firstSeen[thread] = event }
            if sequential { history.sequentialFloor = max(history.sequentialFloor, history.base + index) }
            return (history.stores[index], history.latest)
        }
        if Self.acquires(ordering), let release = read.releaseClock { clocks[thread].join(release) }
        return (read, latest)
    }

    /// A store, or the write of a read-modify-write (`readModifyWrite`: it read the latest
    /// store, whose release sequence it continues). `previous`: the value in memory before.
    mutating func write(_ address: UInt, value: UInt64, previous: UInt64, by thread: Int, ordering: AtomicOrderingKind,
                        readModifyWrite: Bool, step: Int) {
        let event = tick(thread)
        _ = history(address, current: previous)
        var releaseClock: VectorClock?
        if readModifyWrite {
            let last = withHistory(address) { history in
                let index = history.stores.count - 1
                if history.stores[index].firstSeen[thread] > event { history.stores[index].firstSeen[thread] = event }
                return history.stores[index]
            }
            if Self.acquires(ordering), let release = last.releaseClock { clocks[thread].join(release) }
            releaseClock = last.releaseClock
        }
        if Self.releases(ordering) {
            if releaseClock == nil { releaseClock = clocks[thread] } else { releaseClock!.join(clocks[thread]) }
        }
        var firstSeen = InlineArray<8, Int32>(repeating: .max)
        firstSeen[thread] = event
        let record = StoreRecord(value: value, thread: thread, step: step, releaseClock: releaseClock, firstSeen: firstSeen)
        let sequential = isSequential(ordering)
        withHistory(address) { history in
            history.stores.append(record)
            if sequential { history.sequentialFloor = history.base + history.stores.count - 1 }
            if history.stores.count > WordHistory.limit {
                history.stores.removeFirst()
                history.base += 1
            }
        }
    }

    /// A read-modify-write that wrote nothing (a failed compare-exchange): a load of the
    /// latest store.
    mutating func failedUpdate(_ address: UInt, current: UInt64, by thread: Int, ordering: AtomicOrderingKind) {
        _ = history(address, current: current)
        _ = load(address, staleness: 0, by: thread, ordering: ordering)
    }

    /// A seq_cst fence of `thread` (the kernel's barrier in a futex wait). Later seq_cst
    /// loads of any thread may not read older than what happens before the fence, and the
    /// thread itself now sees every word's sequential floor (C++20 [atomics.order], the
    /// fence clauses of S's consistency with coherence).
    mutating func sequentialFence(_ thread: Int) {
        guard kind == .c11 else { return }
        let event = tick(thread)
        for index in words.indices {
            let oldest = oldestReadable(words.values[index], by: thread, sequential: false)
            let base = words.values[index].base
            let floor = max(words.values[index].sequentialFloor, base + oldest)
            words.values[index].sequentialFloor = floor
            if floor >= base && words.values[index].stores[floor - base].firstSeen[thread] > event {
                words.values[index].stores[floor - base].firstSeen[thread] = event
            }
        }
    }

    /// A new word at `address`: its history, if an earlier word there left one, is gone.
    mutating func forget(_ address: UInt) {
        words.removeValue(forKey: address)
    }

    /// A plain access of `thread` (for the race check): its next event.
    mutating func plainEvent(_ thread: Int) -> Int32 { tick(thread) }

    /// `child` starts: everything its creator did so far happens before it.
    mutating func spawn(_ child: Int, by parent: Int) {
        // A slot used again keeps its own count going: its events stay distinct.
        let own = clocks[child][child]
        clocks[child] = clocks[parent]
        clocks[child][child] = max(clocks[child][child], own)
        _ = tick(parent)
        _ = tick(child)
    }

    /// A release of a harness token: what `thread` did so far is published on it. An acquire
    /// joins every release of the token so far (the harness's handshakes publish once per
    /// job, and a later one only adds what also happened before it).
    mutating func release(token: UInt, by thread: Int) {
        tokenClocks[token, default: .zero].join(clocks[thread])
        _ = tick(thread)
    }

    /// An acquire of a harness token.
    mutating func acquire(token: UInt, by thread: Int) {
        if let published = tokenClocks[token] { clocks[thread].join(published) }
        _ = tick(thread)
    }

    /// `thread` learns of everything `other` did so far (a join of an exited thread, a wake).
    mutating func synchronize(_ thread: Int, with other: Int) {
        clocks[thread].join(clocks[other])
        _ = tick(thread)
    }
}
#endif
