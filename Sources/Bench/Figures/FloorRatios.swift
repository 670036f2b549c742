/// Every variant's cost as a ratio to the hand-off floor (`FloorVariant`) of its thread count,
/// measured in the same run: ratios hold on a noisy machine, absolute times do not. A pinned
/// variant is compared with the pinned floor when the run has one, any other with the
/// unpinned floor.
///
/// A ratio is taken repetition by repetition (variant's sample r over the floor's sample r,
/// both from repetition r of the interleaved run, seconds apart), and summarised by its median
/// and interquartile range: a slow phase of the machine that hits both samples cancels out.
enum FloorRatios {
    /// The floor `variant` is compared with, if the run has one: same thread count, pinned
    /// like it if there is a pinned floor.
    static func floorIndex(for variant: any JobVariant, variants: [any JobVariant]) -> Int? {
        let floors = variants.indices.filter { variants[$0].kind.isFloor && variants[$0].threadCount == variant.threadCount }
        return floors.first { variants[$0].kind.isPinned == variant.kind.isPinned } ?? floors.first { !variants[$0].kind.isPinned }
    }

    static let legend = "× floor: the variant's time per job over the floor's (floor/T: the caller publishes a job word, each worker "
        + "computes its share and publishes a done word, both spinning; its workers park between its own samples, as a pool's do), "
        + "repetition by repetition, median [IQR]"

    /// The per-repetition ratios of variant `index` to `floor` at exponent row `row`.
    static func ratio(of index: Int, to floor: Int, row: Int, summaries: [[Summary]]) -> Summary {
        let own = summaries[index][row].samples
        let base = summaries[floor][row].samples
        let ratios = zip(own, base).map { $0 / $1 }
        return Summary(ratios.isEmpty ? [summaries[index][row].median / summaries[floor][row].median] : ratios)
    }

    /// The ratio of every multi-thread variant to its floor, one row per N.
    static func table(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int]) -> TextTable? {
        let columns = variants.indices.filter { floorIndex(for: variants[$0], variants: variants) != nil }
        guard !columns.isEmpty else { return nil }
        var table = TextTable(title: "Time per job relative to the hand-off floor of the same thread count (median of per-repetition ratios)",
                              headers: ["N"] + columns.map { variants[$0].name })
        for (row, exponent) in exponents.enumerated() {
            table.rows.append(["2^\(exponent)"] + columns.map { index in
                let floor = floorIndex(for: variants[index], variants: variants)!
                return format(ratio(of: index, to: floor, row: row, summaries: summaries).median, digits: 2)
            })
        }
        return table
    }

    /// The floor at the smallest N and every pool's ratio to it, with spreads: what
    /// `bench --quick` prints first.
    static func summary(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int]) -> TextTable? {
        guard variants.contains(where: { $0.kind.isFloor }) else { return nil }
        var table = TextTable(title: "Hand-off floor at N = 2^\(exponents[0]), and each variant's cost over it (same run)",
                              headers: ["variant", "time per job [IQR]", "× floor [IQR]"])
        for (index, variant) in variants.enumerated() where variant.kind != .sequential {
            guard let floor = floorIndex(for: variant, variants: variants) else { continue }
            let cost = summaries[index][0]
            let ratio = ratio(of: index, to: floor, row: 0, summaries: summaries)
            table.rows.append([variant.name + (variants[floor].kind.isPinned ? " (÷ floor/pin)" : ""), "\(formatDuration(nanoseconds: cost.median)) [\(formatDuration(nanoseconds: cost.interquartileRange))]",
                               "\(format(ratio.median, digits: 2))× [\(format(ratio.interquartileRange, digits: 2))]"])
        }
        return table
    }
}
