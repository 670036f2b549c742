/// Median and interquartile range of a set of samples (nanoseconds per job).
struct Summary {
    var median: Double
    var lowerQuartile: Double
    var upperQuartile: Double
    var sampleCount: Int
    /// The samples in the order they were taken (repetition r at index r), so that two
    /// variants of one interleaved run can be compared repetition by repetition.
    var samples: [Double]

    var interquartileRange: Double { upperQuartile - lowerQuartile }

    /// Quartiles by linear interpolation between order statistics. Needs at least one sample.
    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "Summary needs at least one sample")
        let sorted = samples.sorted()
        func quantile(_ fraction: Double) -> Double {
            let position = fraction * Double(sorted.count - 1)
            let below = Int(position.rounded(.down))
            let above = min(below + 1, sorted.count - 1)
            let weight = position - Double(below)
            return sorted[below] * (1 - weight) + sorted[above] * weight
        }
        median = quantile(0.5)
        lowerQuartile = quantile(0.25)
        upperQuartile = quantile(0.75)
        sampleCount = sorted.count
        self.samples = samples
    }
}

/// Human-readable durations: "312 ns", "4.10 µs", "12.3 ms", "1.02 s".
func formatDuration(nanoseconds: Double) -> String {
    let magnitude = abs(nanoseconds)
    if magnitude < 1_000 { return format(nanoseconds, digits: magnitude < 10 ? 2 : 0) + " ns" }
    if magnitude < 1_000_000 { return format(nanoseconds / 1_000, digits: 2) + " µs" }
    if magnitude < 1_000_000_000 { return format(nanoseconds / 1_000_000, digits: 2) + " ms" }
    return format(nanoseconds / 1_000_000_000, digits: 2) + " s"
}

/// Fixed-point formatting without Foundation.
func format(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        let fraction = Int(scaled - Double(whole) * scale)
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    return text
}

/// "2^12" for powers of two, the decimal value otherwise.
func formatCount(_ value: UInt64) -> String {
    if value != 0 && value & (value - 1) == 0 { return "2^\(value.trailingZeroBitCount)" }
    return String(value)
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let count = text.count
    if count >= width { return text }
    let padding = String(repeating: " ", count: width - count)
    return right ? padding + text : text + padding
}
