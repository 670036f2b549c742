/// A scheduler whose job sequence can start somewhere other than 0: the harness's hook for
/// boundary states (`PoolConfiguration.startingSequence`), so that a pool crosses the
/// sequence's wrap within a few jobs instead of after 2^31.
///
/// Contract: called once, by `ThreadPool`'s initialiser, after the scheduler is built and
/// before any worker thread exists; never again. `package` access: no client can call it,
/// and no job pays for it.
package protocol SequenceBoundaryStart: AnyObject {
    /// Sets the job word's sequence, every worker's taken sequence and the caller's
    /// published one to `sequence` (masked to the sequence bits: stop stays clear).
    func startSequence(at sequence: UInt32)
}

extension SequenceSchedulerWith: SequenceBoundaryStart {
    package func startSequence(at sequence: UInt32) {
        let start = sequence & SequenceWords.sequenceMask
        // relaxed, and past exploration's scheduling points: no other thread exists yet;
        // spawning the workers publishes it.
        words.job.word.pointer.pointee.store(start, ordering: .relaxed)
        for cell in words.taken { cell.value = UInt64(start) }
        words.published.value = UInt64(start)
    }
}
