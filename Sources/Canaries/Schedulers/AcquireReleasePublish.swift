import Synchronization
import Pool

/// CANARY `acquire-release-publish` (exploration only): the sequence scheduler publishes a job
/// with an acquire-release compare-exchange, not seq_cst.
///
/// Broken step: `SequenceSteps.advanceSequence`. The publish is the first half of
/// `ParkingWord`'s store-buffer (Dekker) pair on the publisher's side. Acquire-release still
/// publishes the target to a worker that reads the new sequence, but it leaves the single
/// seq_cst order: a parking worker's compare (the kernel's seq_cst read after its barrier) may
/// read the old sequence while the publisher's seq_cst load of `sleepers` reads the count
/// from before the worker's increment. The worker sleeps through the job. No data race, and
/// on x86-64 every locked RMW is a full barrier: neither ThreadSanitizer nor any stress run
/// on x86-64 sees it; exploration's memory model does.
public enum AcquireReleasePublish: SequenceSteps {
    public static var variantName: String? { Canary.acquireReleasePublish.rawValue }

    public static func advanceSequence(_ words: SequenceWords, from current: UInt32) -> (exchanged: Bool, original: UInt32) {
        // BROKEN (acquiring-and-releasing, needs seq_cst): leaves the Dekker pair's order.
        words.job.word.compareExchange(
            expected: current, desired: SequenceWords.sequence(after: current),
            successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
    }
}
