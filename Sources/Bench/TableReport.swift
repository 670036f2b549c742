/// The stdout table: median time per job with its IQR, and the ratio to sequential, one
/// row per N and one column per variant.
enum TableReport {
    static func render(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int], sequentialIndex: Int) -> String {
        let width = max(16, variants.map { $0.name.count + 2 }.max() ?? 0)
        var lines: [String] = []
        lines.append("Median time per job (interquartile range in brackets)")
        lines.append(pad("N", 6) + variants.map { pad($0.name, width, right: true) }.joined())
        for (row, exponent) in exponents.enumerated() {
            var line = pad("2^\(exponent)", 6)
            for index in variants.indices {
                let summary = summaries[index][row]
                line += pad("\(formatDuration(nanoseconds: summary.median)) [\(formatDuration(nanoseconds: summary.interquartileRange))]", width + 6, right: true)
            }
            lines.append(line)
        }
        lines.append("")
        lines.append("Time per job relative to sequential (below 1: faster than sequential)")
        lines.append(pad("N", 6) + variants.map { pad($0.name, width, right: true) }.joined())
        for (row, exponent) in exponents.enumerated() {
            var line = pad("2^\(exponent)", 6)
            let sequential = summaries[sequentialIndex][row].median
            for index in variants.indices {
                line += pad(format(summaries[index][row].median / sequential, digits: 3), width, right: true)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
