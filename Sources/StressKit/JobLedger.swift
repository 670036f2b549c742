import Pool
import Synchronization

/// The probe's books on the pool's jobs: the caller's current job, and per job its target,
/// how many threads received its total, and how many count decrements it still expects.
///
/// Job numbers count from 1 per pool; a job's tallies live in ring slot `job % ringSize`, so
/// that late probe events of job k (a thread that passes `countDecremented` after the
/// fast-path thread already finished) still land in job k's slot while job k + 1 runs.
/// A slot is reused only `ringSize` jobs later, long after every straggler of its job has
/// claimed a later one (the caller checks job k once job k + 1 completed).
final class JobLedger: @unchecked Sendable {
    /// Jobs whose tallies are kept at once.
    static var ringSize: Int { 4 }

    let currentJob = Atomic<UInt64>(0)
    let currentJobIndex = Atomic<Int>(-1)
    /// Per ring slot: the target of that job.
    private let targets: UnsafeMutablePointer<Atomic<UInt64>>
    private let receivers: UnsafeMutablePointer<Atomic<UInt64>>
    private let decrements: UnsafeMutablePointer<Atomic<Int64>>
    /// Per ring slot: 1 if a worker claimed that job after parking for it (`RaceObserver`).
    private let parkedClaims: UnsafeMutablePointer<Atomic<UInt64>>

    init() {
        targets = .allocate(capacity: Self.ringSize)
        receivers = .allocate(capacity: Self.ringSize)
        decrements = .allocate(capacity: Self.ringSize)
        parkedClaims = .allocate(capacity: Self.ringSize)
        for slot in 0..<Self.ringSize {
            (targets + slot).initialize(to: Atomic(0))
            (receivers + slot).initialize(to: Atomic(0))
            (decrements + slot).initialize(to: Atomic(0))
            (parkedClaims + slot).initialize(to: Atomic(0))
        }
    }

    deinit {
        receivers.deinitialize(count: Self.ringSize)
        receivers.deallocate()
        decrements.deinitialize(count: Self.ringSize)
        decrements.deallocate()
        targets.deinitialize(count: Self.ringSize)
        targets.deallocate()
        parkedClaims.deinitialize(count: Self.ringSize)
        parkedClaims.deallocate()
    }

    @inline(__always)
    static func slot(of job: UInt64) -> Int { Int(job % UInt64(ringSize)) }

    /// Caller: opens job `number` (the `index`-th of its episode) over `threadCount` threads
    /// and publishes its number.
    func open(number: UInt64, index: Int, target: UInt64, threadCount: Int) {
        let slot = Self.slot(of: number)
        // relaxed, these: published to the workers by the scheduler's releasing start, and
        // read back by this thread.
        receivers[slot].store(0, ordering: .relaxed)
        decrements[slot].store(Int64(threadCount), ordering: .relaxed)
        targets[slot].store(target, ordering: .relaxed)
        parkedClaims[slot].store(0, ordering: .relaxed)
        currentJobIndex.store(index, ordering: .relaxed)
        // release: pairs with the acquiring loads in `ProbeRecord.claimed` and
        // `ProbeRecord.refusalModeHasBegun` (refusal mode).
        currentJob.store(number, ordering: .releasing)
    }

    /// The target of `job`.
    @inline(__always)
    func target(ofJob job: UInt64) -> UInt64 {
        // relaxed: callers first load `currentJob` with acquire, which orders this load.
        targets[Self.slot(of: job)].load(ordering: .relaxed)
    }

    /// Pool thread: one count decrement for `job`; returns the decrements it still expected.
    @inline(__always)
    func countDecrement(ofJob job: UInt64) -> Int64 {
        // relaxed: a counter checked by the caller after the job is quiesced (ordered by the
        // claims and merges of the next job).
        decrements[Self.slot(of: job)].wrappingSubtract(1, ordering: .relaxed).oldValue
    }

    /// Pool thread, done reading the witnesses: it received `job`'s total. Returns how many
    /// threads had received it before.
    @inline(__always)
    func countReceiver(ofJob job: UInt64) -> UInt64 {
        // release: hands the board back to the caller (pairs with its acquiring wait).
        receivers[Self.slot(of: job)].wrappingAdd(1, ordering: .releasing).oldValue
    }

    /// Worker, on the park path only: it claimed `job` after parking for it.
    func markParkedClaim(ofJob job: UInt64) {
        // relaxed: a flag read by the caller after the job completed (every claim precedes
        // that worker's merge, which precedes the completion the caller saw).
        parkedClaims[Self.slot(of: job)].store(1, ordering: .relaxed)
    }

    /// Caller, after job `number` completed: whether a worker claimed it after parking.
    func hadParkedClaim(job number: UInt64) -> Bool {
        // relaxed: see `markParkedClaim`.
        parkedClaims[Self.slot(of: number)].load(ordering: .relaxed) != 0
    }

    /// Caller, after job `number` succeeded: waits until its receiver is done with the board.
    func waitForReceiver(ofJob number: UInt64) {
        // acquire: pairs with the receiver's releasing increment, after its witness reads:
        // the receiver is done with the board before the caller starts the next job (whose
        // threads rewrite it). Bounded by the watchdog (the job's phase stays "running").
        // The pool's own unbounded wait, so that under `stress --explore` this wait yields to
        // the controller instead of spinning past it.
        let receivers = self.receivers
        let received = { receivers[Self.slot(of: number)].load(ordering: .acquiring) != 0 }
        _ = UnboundedSpinWait.wait(policy: .default, until: received, orFull: received)
    }

    /// Caller: job `number` (an earlier successful parallel job) is fully quiesced: exactly
    /// one receiver and exactly `threadCount` decrements.
    func checkQuiesced(job number: UInt64, threadCount: Int) -> (Verdict, String)? {
        let slot = Self.slot(of: number)
        // relaxed, both: every event of job `number` happened before this thread saw a later
        // job complete (each worker's events precede its next claim, each claim precedes
        // that job's completion); the values are tallies, no data hangs on them.
        let receiverCount = receivers[slot].load(ordering: .relaxed)
        let left = decrements[slot].load(ordering: .relaxed)
        if receiverCount != 1 {
            return (.invariant, "job \(number): \(receiverCount) threads received the total (exactly one must)")
        }
        if left != 0 {
            return (.invariant, "job \(number): \(Int64(threadCount) - left) count decrements for \(threadCount) threads")
        }
        return nil
    }
}
