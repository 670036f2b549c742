/// The bench's target figures, per variant, computed from one interleaved run.
struct DerivedFigures {
    var variant: String
    var kind: VariantKind
    var threadCount: Int
    /// Median and IQR at N = 1, if the range includes it.
    var costAtOne: Summary?
    /// Smallest N from which the variant beats sequential at every larger measured N;
    /// nil if it does not beat sequential at the largest N.
    var crossover: UInt64?
    /// Whether the crossover is the smallest N measured (the true one may be smaller).
    var crossoverAtRangeStart: Bool
    /// Sequential median over this variant's median at the largest N.
    var speedUpAtLargest: Double
    var largest: UInt64

    init(variantIndex: Int, variants: [any JobVariant], summaries: [[Summary]], exponents: [Int], sequentialIndex: Int) {
        let variant = variants[variantIndex]
        self.variant = variant.name
        kind = variant.kind
        threadCount = variant.threadCount
        let own = summaries[variantIndex]
        let sequential = summaries[sequentialIndex]
        costAtOne = exponents.first == 0 ? own[0] : nil
        var crossoverIndex: Int?
        for index in exponents.indices.reversed() {
            if own[index].median < sequential[index].median { crossoverIndex = index } else { break }
        }
        crossover = crossoverIndex.map { UInt64(1) << UInt64(exponents[$0]) }
        crossoverAtRangeStart = crossoverIndex == 0
        speedUpAtLargest = sequential[exponents.count - 1].median / own[exponents.count - 1].median
        largest = UInt64(1) << UInt64(exponents[exponents.count - 1])
    }

    var crossoverText: String {
        guard let crossover else { return "never" }
        return (crossoverAtRangeStart ? "<= " : "") + formatCount(crossover)
    }
}
