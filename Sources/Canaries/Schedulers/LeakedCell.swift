import Pool

/// CANARY `leaked-cell`: the sequence scheduler's deinit frees every page of its words but
/// one, the caller's `published` cell: one page leaked per pool.
///
/// Broken step: `SequenceSteps.deallocateWords`. Nothing a job can see changes; each pool
/// destroyed leaves 4 KiB mapped. A run of thousands of pools stays far below the
/// process-wide resource bound, so only exact accounting sees it.
///
/// Why the harness must catch it: the stress driver records every page a pool allocates
/// (`PageLedger`) and, once the pool is destroyed, reports a `resource leak` naming each page
/// still live and where it was allocated; the first sequence pool gives it away.
public enum LeakedCell: SequenceSteps {
    public static var variantName: String? { Canary.leakedCell.rawValue }

    public static func deallocateWords(_ words: SequenceWords) {
        words.line.deallocate()
        for cell in words.taken { cell.deallocate() }
        words.stopped.deallocate()
        // BROKEN: no `words.published.deallocate()`.
    }
}
