import Pool

/// CANARY `blind-publish`: the sequence scheduler's start forgets that a stop can move the
/// job word under it, and takes a failed publish for two callers starting at once.
///
/// Broken step: `SequenceSteps.publishJob`. Only the caller changes the sequence, so it is
/// tempting to read a failed compare-exchange as misuse (two threads in `start`) and trap.
/// But a worker that fails between two jobs sets the stop bit: if that lands after the
/// caller's `isStopped` check and before its compare-exchange, the exchange fails on the bit,
/// and the real step throws `.stopped` (the job then fails with the pool's recorded failure).
///
/// Why the harness must catch it: the window is a few instructions wide and only a late
/// stop reaches it. The stress driver drives that stop (a worker's failure while it waits,
/// awaited by the caller at `beforePublish`: `stopBeforePublish` in the coverage table);
/// exploration reaches it by schedule. Either way the canary traps.
public enum BlindPublish: SequenceSteps {
    public static var variantName: String? { Canary.blindPublish.rawValue }

    public static func publishJob(_ words: SequenceWords, target newTarget: UInt64) throws(ProtocolInterruption) {
        let current = UInt32(truncatingIfNeeded: words.published.value)
        // relaxed: as the real step (published by the compare-exchange).
        words.target.store(newTarget, ordering: .relaxed)
        let (exchanged, original) = Self.advanceSequence(words, from: current)
        // BROKEN: no `if original & SequenceWords.stopBit != 0 { throw .stopped }`.
        precondition(exchanged, "SequenceScheduler.start: the job word moved from \(current) to \(original) under the caller; two threads started jobs at once")
        words.published.value = UInt64(SequenceWords.sequence(after: current))
    }
}
