import Pool
/// Plain, non-atomic memory that makes the pool's ordering visible to ThreadSanitizer.
///
/// Per pool: a job descriptor (job number, target) that the caller writes before it starts
/// a job and every thread reads in its share; and one witness slot per thread (job number,
/// contribution) that the thread writes in its share, before it merges. The thread that
/// receives the total reads every slot, and so does the caller once the job is done. Every
/// one of those accesses is ordered only by the pool's protocol (scheduler start/claim,
/// reducer merge/completion), so an ordering that is too weak anywhere on that path is a
/// data race that TSan reports, and a stale value is a violation the checks report.
///
/// Raw memory allocated here, never an Array in a class: two threads writing different
/// elements of one Array would both modify the array itself, a real race (docs/PLATFORM.md,
/// "Witness memory").
/// Owned by one `ProbeRecord`, which lives until every worker of its pool has exited.
public final class WitnessBoard: @unchecked Sendable {
    public let threadCount: Int
    /// [job number, target, weight], on a cache line of its own.
    @usableFromInline let descriptor: UnsafeMutablePointer<UInt64>
    /// Per thread, one cache line apart (`CacheLine.words`): [job number, contribution].
    @usableFromInline let slots: UnsafeMutablePointer<UInt64>

    public init(threadCount: Int) {
        self.threadCount = threadCount
        descriptor = .allocate(capacity: CacheLine.words)
        descriptor.initialize(repeating: 0, count: CacheLine.words)
        slots = .allocate(capacity: threadCount * CacheLine.words)
        slots.initialize(repeating: 0, count: threadCount * CacheLine.words)
    }

    deinit {
        descriptor.deallocate()
        slots.deallocate()
    }

    /// Under `stress --explore` each access below is also one of the memory model's race-checked
    /// plain accesses (`ExplorationController.plainAccess`): a descriptor or a witness slot
    /// that no happens-before orders is a `data race` finding, as ThreadSanitizer would report
    /// it, with both accesses named. One cell per descriptor and per slot: the two words of
    /// each are written and read together. Nothing in any other build.
    @inlinable
    func racePoint(_ cell: UnsafeMutablePointer<UInt64>, writes: Bool) {
        #if Exploration
        Exploration.activeController?.plainAccess(UInt(bitPattern: cell), writes: writes)
        #endif
    }

    /// Caller, before `run`: a plain write that the scheduler's start must publish.
    @inlinable
    public func publish(job: UInt64, target: UInt64, weight: UInt64) {
        racePoint(descriptor, writes: true)
        descriptor[0] = job
        descriptor[1] = target
        descriptor[2] = weight
    }

    /// Any thread, in its share: a plain read of the caller's descriptor.
    @inlinable
    public func readDescriptor() -> (job: UInt64, target: UInt64, weight: UInt64) {
        racePoint(descriptor, writes: false)
        return (descriptor[0], descriptor[1], descriptor[2])
    }

    /// Thread `thread`, in its share, before it merges.
    @inlinable
    public func write(thread: Int, job: UInt64, contribution: UInt64) {
        racePoint(slots + thread &* CacheLine.words, writes: true)
        slots[thread &* CacheLine.words] = job
        slots[thread &* CacheLine.words &+ 1] = contribution
    }

    /// The witness of `thread`: a plain read that the reducer's merge must order.
    @inlinable
    public func read(thread: Int) -> (job: UInt64, contribution: UInt64) {
        racePoint(slots + thread &* CacheLine.words, writes: false)
        return (slots[thread &* CacheLine.words], slots[thread &* CacheLine.words &+ 1])
    }
}
