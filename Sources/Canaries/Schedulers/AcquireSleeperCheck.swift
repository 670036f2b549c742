import Synchronization
import Pool

/// CANARY `acquire-sleeper-check` (exploration only): the publisher's check for sleepers is
/// an acquiring load, not seq_cst.
///
/// Broken step: `SequenceSteps.wakeForJob`. It is the publisher's second half of
/// `ParkingWord`'s store-buffer (Dekker) pair: seq_cst RMW of the job word, then seq_cst load
/// of `sleepers`. With an acquiring load the C++20 model lets it read the count from before a
/// sleeper's increment even though the sleeper's compare (the kernel's, after its barrier)
/// read the job word from before the publish: nobody wakes the sleeper. A lost wake-up on ARM
/// (an acquiring load is `ldapr`, which may pass the earlier store); on x86-64 an acquiring
/// load and a seq_cst load are the same `mov`, so no run there can show it. There is no data
/// race either, so ThreadSanitizer reports nothing: only exploration's memory model sees it.
public enum AcquireSleeperCheck: SequenceSteps {
    public static var variantName: String? { Canary.acquireSleeperCheck.rawValue }

    public static func wakeForJob(_ words: SequenceWords) {
        // BROKEN (acquiring, needs seq_cst): the publisher's half of the Dekker pair.
        if words.job.sleepers.load(ordering: .acquiring) != 0 {
            words.job.wakeAll()
        }
    }
}
