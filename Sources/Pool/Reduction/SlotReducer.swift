import Synchronization
/// The reducer the standard pool uses: per-thread slots, gathered by the caller; real steps.
public typealias SlotReducer = SlotReducerWith<CorrectSlotSteps>

/// A reducer shaped like the hand-off floor: each thread writes its contribution to its own
/// slot line and publishes it with one releasing store of the job number; the caller gathers
/// the slots. No line is written by two threads, no RMW, no lock.
///
/// - `threadDone` (every thread, the caller included): `publish` writes the contribution and
///   stores the job number (the thread's count of its merges, kept off the slot line: each
///   thread merges once per job), then passes `countDecremented` (value 0: there is no shared
///   count). Returns nil: no thread but the caller ever holds the total.
/// - `waitForTotal` (the caller): for each slot in turn, waits until it holds the current
///   job (acquire), adds its contribution (checked for overflow: `.overflow` is thrown on the
///   caller), then passes `totalReceived`. The caller is the one receiver of every total.
/// - `reset` (the caller, between jobs): counts the job. The workers never read that count,
///   so it costs no transfer; they know the job number from their own slot.
///
/// Per job, one line moves from each worker to the caller, which reads it; the spin-lock
/// reducer moves its lock, count and sum lines back and forth (docs/PROTOCOL.md, "Cache lines
/// per job"). The caller's gather is serial, one slot after the other: at N threads it reads
/// N − 1 lines, most of them already in by the time it looks (docs/BENCH.md, "Scaling on
/// paper").
///
/// Generic over its steps (`SlotSteps`) so that a canary is this reducer with one step
/// replaced; `SlotReducer` takes the real ones.
public final class SlotReducerWith<Steps: SlotSteps>: InspectableReducer {
    public static var name: String { Steps.variantName ?? "slot" }
    public static var countsContributions: Bool { false }

    public let words: SlotWords

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        words = SlotWords(threadCount: threadCount, spinPolicy: spinPolicy)
    }

    deinit { words.deallocate() }

    @inlinable
    public func reset(threadCount: Int) {
        precondition(threadCount == words.threadCount,
                     "SlotReducer: reset for \(threadCount) threads, but it has \(words.threadCount) slots")
        // relaxed: read back by this thread only (and by watchdogs, as a snapshot).
        words.job.store(words.job.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    @inlinable
    public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        let job = Steps.publish(words, contribution: contribution, thread: thread)
        PoolTrace.log(thread, "reducer: published \(contribution) for job \(job)")
        try probe.pass(.countDecremented, thread: thread, value: 0)
        return nil
    }

    @inlinable
    public func waitForTotal<Probe: PoolProbe>(
        thread: Int, probe: Probe, isStopped: () -> Bool
    ) throws(ProtocolInterruption) -> UInt64 {
        let words = self.words
        // relaxed: this thread's own word.
        let job = words.job.load(ordering: .relaxed)
        var total: UInt64 = 0
        for slot in 0..<words.threadCount {
            if !Steps.awaitSlot(words, thread: slot, job: job, isStopped: isStopped) { throw .stopped }
            total = try Steps.add(Steps.readSlot(words, thread: slot), to: total, thread: thread)
        }
        PoolTrace.log(thread, "reducer: gathered \(words.threadCount) slots, total \(total)")
        try probe.pass(.totalReceived, thread: thread, value: total)
        return total
    }

    public var isComplete: Bool {
        // relaxed: the caller's own count.
        let job = words.job.load(ordering: .relaxed)
        return (0..<words.threadCount).allSatisfy { Steps.isPublished(words, thread: $0, job: job) }
    }

    public var result: UInt64 {
        (0..<words.threadCount).reduce(0) { $0 &+ Steps.readSlot(words, thread: $1) }
    }

    @usableFromInline package var diagnostics: ReducerDiagnostics {
        // relaxed, and past exploration's scheduling points: a snapshot, not the protocol.
        let job = words.job.pointer.pointee.load(ordering: .relaxed)
        let missing = words.slots.filter { $0.sequence.pointer.pointee.load(ordering: .relaxed) != job }.count
        return ReducerDiagnostics(remainingThreads: UInt32(missing), locked: false)
    }
}
