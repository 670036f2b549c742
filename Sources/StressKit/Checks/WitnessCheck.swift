import Pool

/// The witness check: every thread's witness slot, read with plain loads that only the
/// reducer's merge orders, must name the job and hold the contribution the oracle gives that
/// thread's share, and the slots must sum to the total, which must be the oracle's.
///
/// Run by the thread that receives the total and by the caller after the job: a slot read
/// too early is a stale value this check reports, or a data race ThreadSanitizer reports.
struct WitnessCheck {
    let board: WitnessBoard
    let threadCount: Int

    /// Compares every witness slot with the oracle; `reader` names the reading thread in
    /// the message. Returns a violation or nil.
    func verify(job: UInt64, target: UInt64, weight: UInt64, total: UInt64, reader: String) -> (Verdict, String)? {
        var sum: UInt64 = 0
        for thread in 0..<threadCount {
            let witness = board.read(thread: thread)
            let expected = StressOracle.contribution(thread: thread, threadCount: threadCount, target: target, weight: weight)
            if witness.job != job || witness.contribution != expected {
                return (.wrongResult, "\(reader) read thread \(thread)'s witness (job \(witness.job), contribution \(witness.contribution)); expected job \(job), contribution \(expected), target \(target)")
            }
            sum &+= witness.contribution
        }
        let oracle = StressOracle.total(target: target, weight: weight)
        if sum != total || total != oracle {
            return (.wrongResult, "\(reader): total \(total), witnesses sum to \(sum), oracle \(oracle) (target \(target), weight \(weight))")
        }
        return nil
    }
}
