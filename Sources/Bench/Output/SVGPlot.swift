import Glibc

/// bench.svg: time per job against N, log-log, one line per variant, each crossover marked
/// with a ring (and its N in the legend). bench-ratio.svg: the same against N as the ratio
/// to sequential, where a crossover is where a line goes below 1 for good.
/// Plain SVG text, no dependencies.
enum SVGPlot {
    static let width = 960.0
    static let height = 600.0
    static let left = 92.0
    static let right = 230.0
    static let top = 56.0
    static let bottom = 60.0
    static let palette = ["#000000", "#1f77b4", "#6baed6", "#d62728", "#ff9896", "#9467bd",
                          "#2ca02c", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]

    /// What the vertical axis shows.
    enum Axis {
        case time
        case ratio
    }

    static func render(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int],
                       figures: [DerivedFigures], title: String, subtitle: String, axis: Axis = .time) -> String {
        let values: [[Double]] = variants.indices.map { index in
            summaries[index].indices.map { row in
                axis == .time ? summaries[index][row].median : summaries[index][row].median / summaries[0][row].median
            }
        }
        let medians = values.flatMap { $0 }.filter { $0 > 0 }
        let lowDecade = floor(log10(medians.min() ?? 1))
        let highDecade = ceil(log10(medians.max() ?? 10))
        let minimumExponent = Double(exponents.first!)
        let maximumExponent = Double(max(exponents.last!, exponents.first! + 1))
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func xPosition(_ exponent: Double) -> Double { left + (exponent - minimumExponent) / (maximumExponent - minimumExponent) * plotWidth }
        func yPosition(_ value: Double) -> Double {
            top + (highDecade - log10(value)) / max(highDecade - lowDecade, 1) * plotHeight
        }
        var svg: [String] = []
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">")
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        svg.append("<text x=\"\(left)\" y=\"20\" font-size=\"15\">\(escape(title))</text>")
        svg.append("<text x=\"\(left)\" y=\"38\" font-size=\"11\" fill=\"#555555\">\(escape(subtitle))</text>")
        // Decade grid and labels on the time axis.
        var decade = lowDecade
        while decade <= highDecade {
            let position = yPosition(pow(10, decade))
            svg.append("<line x1=\"\(left)\" y1=\"\(fixed(position))\" x2=\"\(left + plotWidth)\" y2=\"\(fixed(position))\" stroke=\"#dddddd\"/>")
            let label = axis == .time ? decadeDuration(decade) : decadeRatio(decade)
            svg.append("<text x=\"\(left - 8)\" y=\"\(fixed(position + 4))\" text-anchor=\"end\">\(label)</text>")
            decade += 1
        }
        // Powers of two on the N axis, every second one labelled.
        let labelStep = exponents.count > 16 ? 2 : 1
        for exponent in exponents {
            let position = xPosition(Double(exponent))
            svg.append("<line x1=\"\(fixed(position))\" y1=\"\(top)\" x2=\"\(fixed(position))\" y2=\"\(top + plotHeight)\" stroke=\"#f0f0f0\"/>")
            if (exponent - exponents.first!) % labelStep == 0 {
                svg.append("<text x=\"\(fixed(position))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">2<tspan dy=\"-5\" font-size=\"9\">\(exponent)</tspan></text>")
            }
        }
        svg.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#444444\"/>")
        svg.append("<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 14)\" text-anchor=\"middle\">N (iterations of the standard counter per job), log scale</text>")
        let axisTitle = axis == .time ? "median time per job, log scale" : "time per job / sequential's, log scale (below 1: faster)"
        svg.append("<text transform=\"translate(16 \(top + plotHeight / 2)) rotate(-90)\" text-anchor=\"middle\">\(axisTitle)</text>")
        if axis == .ratio {
            svg.append("<line x1=\"\(left)\" y1=\"\(fixed(yPosition(1)))\" x2=\"\(left + plotWidth)\" y2=\"\(fixed(yPosition(1)))\" stroke=\"#000000\" stroke-width=\"1\"/>")
        }
        for (index, variant) in variants.enumerated() {
            let color = palette[index % palette.count]
            let dash = CSVReport.isPinned(variant.kind) ? " stroke-dasharray=\"6 3\"" : ""
            let points = zip(exponents, values[index]).map { "\(fixed(xPosition(Double($0))))," + fixed(yPosition($1)) }
            svg.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(dash) points=\"\(points.joined(separator: " "))\"/>")
            if index < figures.count, let crossover = figures[index].crossover, variant.kind != .sequential,
               let row = exponents.firstIndex(of: crossover.trailingZeroBitCount) {
                let centerX = xPosition(Double(exponents[row]))
                let centerY = yPosition(values[index][row])
                svg.append("<circle cx=\"\(fixed(centerX))\" cy=\"\(fixed(centerY))\" r=\"6\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            }
            let legendY = top + 10 + Double(index) * 18
            let crossoverNote = variant.kind == .sequential || index >= figures.count ? "" : " (\(figures[index].crossoverText))"
            svg.append("<line x1=\"\(left + plotWidth + 14)\" y1=\"\(legendY)\" x2=\"\(left + plotWidth + 40)\" y2=\"\(legendY)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>")
            svg.append("<text x=\"\(left + plotWidth + 46)\" y=\"\(legendY + 4)\">\(escape(variant.name + crossoverNote))</text>")
        }
        let noteY = top + 10 + Double(variants.count) * 18 + 10
        svg.append("<circle cx=\"\(left + plotWidth + 27)\" cy=\"\(noteY)\" r=\"6\" fill=\"none\" stroke=\"#444444\" stroke-width=\"2\"/>")
        svg.append("<text x=\"\(left + plotWidth + 46)\" y=\"\(noteY + 4)\">crossover (in brackets):</text>")
        svg.append("<text x=\"\(left + plotWidth + 46)\" y=\"\(noteY + 18)\">beats sequential from</text>")
        svg.append("<text x=\"\(left + plotWidth + 46)\" y=\"\(noteY + 32)\">this N on</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func fixed(_ value: Double) -> String { format(value, digits: 1) }

    /// "1 ns", "10 µs", "100 ms", "1 s": decade labels without decimals.
    static func decadeDuration(_ decade: Double) -> String {
        let exponent = Int(decade)
        let units = [(9, "s"), (6, "ms"), (3, "µs"), (0, "ns")]
        for (scale, unit) in units where exponent >= scale {
            return String(repeating: "0", count: exponent - scale).isEmpty ? "1 \(unit)" : "1" + String(repeating: "0", count: exponent - scale) + " \(unit)"
        }
        return "1e\(exponent) ns"
    }

    static func decadeRatio(_ decade: Double) -> String {
        let exponent = Int(decade)
        if exponent >= 0 { return "1" + String(repeating: "0", count: exponent) }
        return "0." + String(repeating: "0", count: -exponent - 1) + "1"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
