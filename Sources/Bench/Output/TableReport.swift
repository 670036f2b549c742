/// The result tables: median time per job with its IQR, and the ratio to sequential, one
/// row per N and one column per variant.
enum TableReport {
    static func medians(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int]) -> TextTable {
        var table = TextTable(title: "Median time per job [interquartile range]", headers: ["N"] + variants.map(\.name))
        for (row, exponent) in exponents.enumerated() {
            table.rows.append(["2^\(exponent)"] + variants.indices.map { index in
                let summary = summaries[index][row]
                return "\(formatDuration(nanoseconds: summary.median)) [\(formatDuration(nanoseconds: summary.interquartileRange))]"
            })
        }
        return table
    }

    static func ratios(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int], sequentialIndex: Int) -> TextTable {
        var table = TextTable(title: "Time per job relative to sequential (below 1: faster than sequential)",
                              headers: ["N"] + variants.map(\.name))
        for (row, exponent) in exponents.enumerated() {
            let sequential = summaries[sequentialIndex][row].median
            table.rows.append(["2^\(exponent)"] + variants.indices.map { format(summaries[$0][row].median / sequential, digits: 3) })
        }
        return table
    }
}
