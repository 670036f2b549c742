import Pool
import Synchronization

/// The probe's books on the pool's jobs: the caller's current job, and per job its target,
/// the threads that decremented its count and the threads that received its total.
///
/// **Exact under any interleaving.** A job's books live in ring entry `job % ringSize`, and
/// every tally word carries the number of the job it counts (`TaggedTally`): an event is
/// counted, by one compare-exchange, only while its entry still belongs to its job. An
/// event that comes after its entry was reopened for a later job is never counted against
/// that job; it is the thread's own words (`ThreadTraces`) that judge it. Why this matters:
/// jobs that run on the caller alone (a target below the scheduler's minimum) open ledger
/// entries too, and a worker preempted between its slot's release and its decrement probe
/// for job k can still be there when the caller opens job k + `ringSize`. Counted by entry
/// alone, its late decrement went to the wrong job, and that job's own decrements then
/// looked like an underflow (a false violation, reproduced by exploration: `stress
/// --explore --strategy dfs --scenario basic+slot:2:1,0,0,0,1`).
///
/// A job's entry is complete when it is checked: the caller checks job k only after job
/// k + 1 ran in parallel and completed, and every worker claimed job k + 1 after its last
/// event of job k.
final class JobLedger: @unchecked Sendable {
    /// Jobs whose books are kept at once.
    static var ringSize: Int { 4 }

    let currentJob = Atomic<UInt64>(0)
    let currentJobIndex = Atomic<Int>(-1)
    let threadCount: Int
    /// Per ring entry: the target of its job, and the weight of its items (`StressOracle`).
    private let targets: UnsafeMutablePointer<Atomic<UInt64>>
    private let weights: UnsafeMutablePointer<Atomic<UInt64>>
    /// Per ring entry: its job and how many count decrements it recorded.
    private let decrements: UnsafeMutablePointer<Atomic<UInt64>>
    /// Per ring entry: its job and how many threads received its total.
    private let receivers: UnsafeMutablePointer<Atomic<UInt64>>
    /// Per ring entry: the job number if a worker claimed that job after parking for it
    /// (`RaceObserver`), so a stale mark of an earlier job never counts.
    private let parkedClaims: UnsafeMutablePointer<Atomic<UInt64>>
    /// Per ring entry, `logCapacity` words: the threads that decremented, in the order their
    /// decrements were counted, each tagged with its job (`TaggedTally.logWord`).
    private let decrementLog: UnsafeMutablePointer<Atomic<UInt64>>
    private let logCapacity: Int

    init(threadCount: Int) {
        self.threadCount = threadCount
        // Room for every thread and a few more: the surplus is what a violation shows.
        logCapacity = threadCount + 4
        targets = .allocate(capacity: Self.ringSize)
        weights = .allocate(capacity: Self.ringSize)
        decrements = .allocate(capacity: Self.ringSize)
        receivers = .allocate(capacity: Self.ringSize)
        parkedClaims = .allocate(capacity: Self.ringSize)
        decrementLog = .allocate(capacity: Self.ringSize * logCapacity)
        for entry in 0..<Self.ringSize {
            (targets + entry).initialize(to: Atomic(0))
            (weights + entry).initialize(to: Atomic(1))
            (decrements + entry).initialize(to: Atomic(0))
            (receivers + entry).initialize(to: Atomic(0))
            (parkedClaims + entry).initialize(to: Atomic(0))
        }
        for word in 0..<(Self.ringSize * logCapacity) { (decrementLog + word).initialize(to: Atomic(0)) }
    }

    deinit {
        for pointer in [targets, weights, decrements, receivers, parkedClaims] {
            pointer.deinitialize(count: Self.ringSize)
            pointer.deallocate()
        }
        decrementLog.deinitialize(count: Self.ringSize * logCapacity)
        decrementLog.deallocate()
    }

    @inline(__always)
    static func entry(of job: UInt64) -> Int { Int(job % UInt64(ringSize)) }

    /// Caller: opens job `number` (the `index`-th of its episode) and publishes its number.
    func open(number: UInt64, index: Int, target: UInt64, weight: UInt64) {
        precondition(number < 1 << (64 - TaggedTally.countBits), "JobLedger: job \(number) does not fit a tally's tag")
        let entry = Self.entry(of: number)
        // relaxed, these: published to the workers by the scheduler's releasing start, and
        // read back by this thread. A late event of the entry's previous job fails its
        // compare-exchange on the new tag whichever of the two comes first.
        decrements[entry].store(TaggedTally.empty(job: number), ordering: .relaxed)
        receivers[entry].store(TaggedTally.empty(job: number), ordering: .relaxed)
        targets[entry].store(target, ordering: .relaxed)
        weights[entry].store(weight, ordering: .relaxed)
        currentJobIndex.store(index, ordering: .relaxed)
        // release: pairs with the acquiring loads in `ProbeRecord.claimed` and
        // `ProbeRecord.refusalModeHasBegun` (refusal mode).
        currentJob.store(number, ordering: .releasing)
    }

    /// The target of `job`, the caller's current job.
    @inline(__always)
    func target(ofJob job: UInt64) -> UInt64 {
        // relaxed: callers first load `currentJob` with acquire, which orders this load.
        targets[Self.entry(of: job)].load(ordering: .relaxed)
    }

    /// The weight of `job`'s items. Read by the caller for its current job, and by the thread
    /// that receives a job's total before it counts itself as the receiver: the caller waits
    /// for that receiver before it opens another job, so the entry is still `job`'s.
    @inline(__always)
    func weight(ofJob job: UInt64) -> UInt64 {
        // relaxed: as `target(ofJob:)`.
        weights[Self.entry(of: job)].load(ordering: .relaxed)
    }

    /// Pool thread `thread`: one count decrement for `job`. Returns how many decrements
    /// `job` has recorded now, this one included, or nil if its entry already belongs to a
    /// later job (the thread is late; its own words judge it).
    @inline(__always)
    func countDecrement(ofJob job: UInt64, thread: Int) -> Int? {
        let entry = Self.entry(of: job)
        // relaxed: a tally, checked by the caller after the job is quiesced (ordered by the
        // claims and merges of the next job); the tag makes it exact, not the ordering.
        guard let count = TaggedTally.increment(decrements[entry], job: job, releasing: false) else { return nil }
        if count <= logCapacity {
            // relaxed: read by the caller after the job is quiesced, as the tally.
            decrementLog[entry * logCapacity + count - 1].store(TaggedTally.logWord(job: job, thread: thread), ordering: .relaxed)
        }
        return count
    }

    /// Pool thread, done reading the witnesses: it received `job`'s total. Returns how many
    /// threads have received it now, this one included, or nil if its entry already
    /// belongs to a later job.
    @inline(__always)
    func countReceiver(ofJob job: UInt64) -> Int? {
        let entry = Self.entry(of: job)
        #if Exploration
        // The same hand-over, told to the explorer's memory model, which does not see this
        // ledger's atomics: the receiver's witness reads happen before the caller's next job.
        Exploration.activeController?.happensBefore(UInt(bitPattern: receivers + entry))
        #endif
        // release: hands the board back to the caller (pairs with its acquiring wait).
        return TaggedTally.increment(receivers[entry], job: job, releasing: true)
    }

    /// Worker, on the park path only: it claimed `job` after parking for it.
    func markParkedClaim(ofJob job: UInt64) {
        // relaxed: a flag read by the caller after the job completed (every claim precedes
        // that worker's merge, which precedes the completion the caller saw).
        parkedClaims[Self.entry(of: job)].store(job, ordering: .relaxed)
    }

    /// Caller, after job `number` completed: whether a worker claimed it after parking.
    func hadParkedClaim(job number: UInt64) -> Bool {
        // relaxed: see `markParkedClaim`.
        parkedClaims[Self.entry(of: number)].load(ordering: .relaxed) == number
    }

    /// Caller, after job `number` succeeded: waits until its receiver is done with the board.
    func waitForReceiver(ofJob number: UInt64) {
        // acquire: pairs with the receiver's releasing increment, after its witness reads:
        // the receiver is done with the board before the caller starts the next job (whose
        // threads rewrite it). Bounded by the watchdog (the job's phase stays "running").
        // The pool's own unbounded wait, so that under `stress --explore` this wait yields to
        // the controller instead of spinning past it. The entry is this job's until the
        // caller opens another, so the tag always matches here.
        let receivers = self.receivers
        let received = { TaggedTally.count(receivers[Self.entry(of: number)].load(ordering: .acquiring), job: number) ?? 0 != 0 }
        _ = UnboundedSpinWait.wait(policy: .default, until: received, orFull: received)
        #if Exploration
        Exploration.activeController?.happensAfter(UInt(bitPattern: receivers + Self.entry(of: number)))
        #endif
    }

    /// The threads whose decrements `job` recorded, in the order they were counted, as
    /// the messages print them ("threads 0, 1, 1"); `count` of them at most.
    func decrementingThreads(ofJob job: UInt64, count: Int) -> String {
        let entry = Self.entry(of: job)
        var threads: [String] = []
        for index in 0..<min(count, logCapacity) {
            // relaxed: see `countDecrement`.
            let word = decrementLog[entry * logCapacity + index].load(ordering: .relaxed)
            threads.append(TaggedTally.thread(inLogWord: word, job: job).map(String.init) ?? "?")
        }
        if count > logCapacity { threads.append("…") }
        return threads.isEmpty ? "none" : "thread" + (threads.count == 1 ? " " : "s ") + threads.joined(separator: ", ")
    }

    /// What `job`'s books say of its decrements: "3 decrements recorded for job 9972:
    /// threads 0, 1, 1".
    func decrementSummary(ofJob job: UInt64, count: Int) -> String {
        "\(count) decrement\(count == 1 ? "" : "s") recorded for job \(job): \(decrementingThreads(ofJob: job, count: count))"
    }

    /// Caller: job `number` (an earlier successful parallel job) is fully quiesced: exactly
    /// one receiver and exactly one decrement per thread.
    func checkQuiesced(job number: UInt64) -> (Verdict, String)? {
        let entry = Self.entry(of: number)
        // relaxed, both: every event of job `number` happened before this thread saw a later
        // job complete (each worker's events precede its next claim, each claim precedes
        // that job's completion); the values are tallies, no data hangs on them.
        guard let receiverCount = TaggedTally.count(receivers[entry].load(ordering: .relaxed), job: number),
              let decrementCount = TaggedTally.count(decrements[entry].load(ordering: .relaxed), job: number) else {
            preconditionFailure("JobLedger: job \(number) checked after its entry was reopened (checks run one job behind)")
        }
        if receiverCount != 1 {
            return (.invariant, "job \(number): \(receiverCount) threads received the total (exactly one must)")
        }
        if decrementCount != threadCount {
            return (.invariant, "job \(number): \(decrementSummary(ofJob: number, count: decrementCount)); each of its \(threadCount) threads must decrement once")
        }
        return nil
    }
}

/// A tally word that names the job it counts: the job number in the high 48 bits, the count
/// in the low 16. A compare-exchange increments it only while it still names the event's
/// job, so a late event can never be counted against the job that reopened its entry.
enum TaggedTally {
    static let countBits: UInt64 = 16
    static let countMask: UInt64 = (1 << countBits) - 1

    @inline(__always)
    static func empty(job: UInt64) -> UInt64 { job << countBits }

    /// The count of `word` if it names `job`, else nil.
    @inline(__always)
    static func count(_ word: UInt64, job: UInt64) -> Int? {
        word >> countBits == job & (UInt64.max >> countBits) ? Int(word & countMask) : nil
    }

    /// Adds one to `tally` if it names `job`: the new count, or nil if the tally names
    /// another job (nothing is written then).
    @inline(__always)
    static func increment(_ tally: borrowing Atomic<UInt64>, job: UInt64, releasing: Bool) -> Int? {
        // relaxed: the first guess; the compare-exchange below decides.
        var word = tally.load(ordering: .relaxed)
        while let count = count(word, job: job) {
            // The count saturates rather than spilling into the tag: a violation is
            // reported long before 65,535 events.
            let next = count < Int(countMask) ? word + 1 : word
            // On success, releasing or relaxed as the caller asks (see its call site; the
            // orderings must be constants); on failure relaxed, as the retry re-reads.
            let (exchanged, original) = releasing
                ? tally.compareExchange(expected: word, desired: next, successOrdering: .releasing, failureOrdering: .relaxed)
                : tally.compareExchange(expected: word, desired: next, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { return Int(next & countMask) }
            word = original
        }
        return nil
    }

    /// A decrement-log word: `job` and `thread` + 1 (0 means "not written").
    @inline(__always)
    static func logWord(job: UInt64, thread: Int) -> UInt64 { job << countBits | UInt64(thread + 1) }

    /// The thread of `word` if it was written for `job`.
    @inline(__always)
    static func thread(inLogWord word: UInt64, job: UInt64) -> Int? {
        guard let raw = count(word, job: job), raw > 0 else { return nil }
        return raw - 1
    }
}
