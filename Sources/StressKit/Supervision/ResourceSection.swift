/// The report's section on the process's footprint across pool churn (`ResourceBudget`):
/// where it started, the most it reached, and the bound it must stay under.
public struct ResourceSection: Codable, Sendable, Equatable {
    public var baseline: Footprint
    public var peak: Footprint
    public var bound: Footprint

    /// One `ProcessFootprint`, as the report keeps it.
    public struct Footprint: Codable, Sendable, Equatable {
        public var threads: UInt64
        public var virtualBytes: UInt64
        public var residentBytes: UInt64
        public var mappings: UInt64

        init(_ footprint: ProcessFootprint) {
            threads = footprint.threads
            virtualBytes = footprint.virtualBytes
            residentBytes = footprint.residentBytes
            mappings = footprint.mappings
        }
    }

    init(budget: ResourceBudget) {
        baseline = Footprint(budget.baseline)
        peak = Footprint(budget.peak)
        bound = Footprint(budget.bound)
    }

    /// The summary's line: each measure's peak against its bound.
    var line: String {
        "resources (peak / bound, over pool churn): threads \(peak.threads) / \(bound.threads), "
            + "mappings \(peak.mappings) / \(bound.mappings), VmSize \(mebibytes(peak.virtualBytes)) / \(mebibytes(bound.virtualBytes)), "
            + "VmRSS \(mebibytes(peak.residentBytes)) / \(mebibytes(bound.residentBytes))"
    }
}
