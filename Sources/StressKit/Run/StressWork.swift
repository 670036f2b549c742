import CPoolSupport
import Pool

/// The stress jobs' work: item i is worth `weight × (1 + (i & 7))`, the weight the caller
/// published with the job (see `StressOracle`).
///
/// In each share, before the thread merges: read the caller's job descriptor (plain memory
/// the scheduler's start must publish) and check the share against it and against the
/// contract's split (`StressOracle.share`, not the pool's `Share.of`); fire a share fault
/// if one is armed for this thread; loop over every item (opaque to the optimiser); write
/// the thread's witness (plain memory the reducer's merge must publish).
public struct StressWork: ShareWork {
    public let record: ProbeRecord

    public init(record: ProbeRecord) { self.record = record }

    public func process(_ share: Share) throws -> UInt64 {
        let thread = share.thread
        let job = record.job(of: thread)
        let refusal = record.refusalModeHasBegun()
        var weight: UInt64 = 1
        if !refusal {
            let descriptor = record.board.readDescriptor()
            weight = descriptor.weight
            if descriptor.job != job {
                record.suspect(.invariant, "thread \(thread) computes \(share) of job \(job), but the caller published job \(descriptor.job) with target \(descriptor.target): the start did not publish the caller's writes")
            } else if let wrong = StressOracle.shareViolation(share, target: descriptor.target) {
                record.suspect(.wrongResult, "job \(job): " + wrong)
            }
        }
        try record.faults.fireShareFault(thread: thread)
        var value: UInt64 = 0
        var item = share.offset
        let end = share.offset &+ share.count
        while item < end {
            value = cpool_opaque(value &+ weight &* (1 &+ (item & 7)))
            item &+= 1
        }
        if !refusal { record.board.write(thread: thread, job: job, contribution: value) }
        return value
    }
}
