import Synchronization

/// Whether a stopped pool's refusal job has begun.
///
/// A refusal job (the one run on a pool that an injected failure stopped, which must throw)
/// switches the probe to refusal mode for the rest of the pool's life: stragglers of the
/// failed job may still be anywhere in its protocol, so the per-job checks that compare a
/// thread's view with the caller's current job are off. The lock-owner checks stay on.
final class RefusalMode: @unchecked Sendable {
    private let refusalJob = Atomic<UInt64>(0)

    /// Caller, before the refusal job `number` is opened in the ledger.
    func begin(job number: UInt64) {
        // relaxed: refusal mode is set before the job changes; a thread that sees the new
        // job through the ledger's releasing store (`JobLedger.open`) sees it too.
        refusalJob.store(number, ordering: .relaxed)
    }

    @inline(__always)
    var isOn: Bool {
        // relaxed: callers first load `currentJob` with acquire, which orders this load.
        refusalJob.load(ordering: .relaxed) != 0
    }
}
