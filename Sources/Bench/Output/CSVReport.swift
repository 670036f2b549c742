/// bench.csv: one row per (variant, N), with everything the table and the plot show.
enum CSVReport {
    static let header = "variant,kind,threads,pinned,n,exponent,median_ns,q1_ns,q3_ns,iqr_ns,samples,ratio_to_sequential,ratio_to_floor"

    /// `ratio_to_floor` is to the floor of the same thread count, empty where none ran.
    static func render(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int], sequentialIndex: Int) -> String {
        var lines = [header]
        for (index, variant) in variants.enumerated() {
            for (row, exponent) in exponents.enumerated() {
                let summary = summaries[index][row]
                let ratio = summary.median / summaries[sequentialIndex][row].median
                let floor = FloorRatios.floorIndex(for: variant, variants: variants)
                let floorRatio = floor.map { format(summary.median / summaries[$0][row].median, digits: 4) } ?? ""
                let fields: [String] = [
                    variant.name, kindName(variant.kind), String(variant.threadCount), isPinned(variant.kind) ? "1" : "0",
                    String(UInt64(1) << UInt64(exponent)), String(exponent),
                    format(summary.median, digits: 1), format(summary.lowerQuartile, digits: 1),
                    format(summary.upperQuartile, digits: 1), format(summary.interquartileRange, digits: 1),
                    String(summary.sampleCount), format(ratio, digits: 4), floorRatio,
                ]
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func kindName(_ kind: VariantKind) -> String {
        switch kind {
        case .sequential: "sequential"
        case .floor(let pinned): pinned ? "floor-pinned" : "floor"
        case .floorWithStep(.lockedPublish): "floor-locked-publish"
        case .floorWithStep(.readBeforeWrite): "floor-read-first"
        case .pool(let scheduler, let reducer, _, let probe): "pool-\(scheduler)-\(reducer)\(probe ? "-callprobe" : "")"
        case .concurrentPerform: "concurrentPerform"
        case .taskGroup: "taskGroup"
        case .threadPerJob: "threadPerJob"
        }
    }

    static func isPinned(_ kind: VariantKind) -> Bool {
        kind.isPinned
    }
}
