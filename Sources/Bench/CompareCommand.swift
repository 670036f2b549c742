import Pool

/// The default mode: every variant interleaved over the N range, then the derived figures,
/// the targets, the probe cost, and the report files.
struct CompareCommand {
    let options: BenchOptions
    private var output: [String] = []

    init(options: BenchOptions) {
        self.options = options
    }

    /// Prints a line on stdout and keeps it for bench.txt.
    private mutating func say(_ line: String = "") {
        print(line)
        output.append(line)
    }

    static func buildVariants(options: BenchOptions, probeCostOnly: Bool) throws(PoolError) -> [any JobVariant] {
        var variants: [any JobVariant] = [SequentialVariant()]
        let threadCounts = options.resolvedThreadCounts
        for (position, threads) in threadCounts.enumerated() {
            variants.append(try PoolVariant<FutexScheduler, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: options.spinPolicy))
            // The standard pool through its own initialiser, which Pool specialises itself.
            variants.append(try PoolVariant<FutexScheduler, NoProbe>(
                threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: options.spinPolicy, label: "countingpool/\(threads)",
                make: { configuration throws(PoolError) in try CountingPool(configuration: configuration) }))
            // The probe-cost pair runs at the first thread count only.
            if position == 0 {
                variants.append(try PoolVariant<FutexScheduler, CallProbe>(threadCount: threads, pinned: false, probe: CallProbe(), spinPolicy: options.spinPolicy))
            }
            if probeCostOnly { continue }
            variants.append(try PoolVariant<BasicScheduler, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: options.spinPolicy))
            if options.pinning {
                variants.append(try PoolVariant<FutexScheduler, NoProbe>(threadCount: threads, pinned: true, probe: NoProbe(), spinPolicy: options.spinPolicy))
                variants.append(try PoolVariant<BasicScheduler, NoProbe>(threadCount: threads, pinned: true, probe: NoProbe(), spinPolicy: options.spinPolicy))
            }
            variants.append(DispatchVariant(threadCount: threads))
            variants.append(TaskGroupVariant(threadCount: threads))
            variants.append(ThreadPerJobVariant(threadCount: threads))
        }
        return variants
    }

    mutating func run(probeCostOnly: Bool = false) throws(BenchFailure) {
        let started = MonotonicClock.nanoseconds()
        say("bench: \(Machine.description)")
        let exponents = Array(options.minimumExponent...(probeCostOnly ? min(options.maximumExponent, 12) : options.maximumExponent))
        say("N = 2^\(exponents.first!) ... 2^\(exponents.last!), \(options.effectiveRepetitions) interleaved samples per variant and N\(options.quick ? " (3 once a job takes > 20 ms)" : ""), ~\(options.effectiveSampleNanoseconds / 1000) µs per sample, \(options.quick ? "quick" : "full") mode")
        say("spin policy: \(options.spinPolicy); load average at start: \(Machine.loadAverage)")

        let honest = try HonestCounterCheck.run()
        say("honest counter: \(honest.detail), log-log slope \(format(honest.slope, digits: 3)); a folded kernel was rejected by the same check")

        let variants: [any JobVariant]
        do {
            variants = try Self.buildVariants(options: options, probeCostOnly: probeCostOnly)
                .filter { variant in options.variantFilter.map { $0.contains(variant.name) || variant.kind == .sequential } ?? true }
        } catch {
            fatalError("bench: cannot build the pools: \(error)")
        }
        let measurement = InterleavedRun(variants: variants, exponents: exponents,
                                         repetitions: options.effectiveRepetitions,
                                         repetitionsForLongJobs: options.quick ? 3 : options.effectiveRepetitions,
                                         sampleNanoseconds: options.effectiveSampleNanoseconds)
        let summaries = measurement.run()
        let sequentialIndex = 0
        let figures = variants.indices.map {
            DerivedFigures(variantIndex: $0, variants: variants, summaries: summaries, exponents: exponents, sequentialIndex: sequentialIndex)
        }
        let medianTable = TableReport.medians(variants: variants, summaries: summaries, exponents: exponents)
        let ratioTable = TableReport.ratios(variants: variants, summaries: summaries, exponents: exponents, sequentialIndex: sequentialIndex)
        say()
        say(medianTable.text())
        say()
        say(ratioTable.text())

        var idleCosts: [String: IdleCost] = [:]
        if !probeCostOnly {
            for variant in variants {
                guard let pool = variant as? any ParkingVariant, case .pool(_, _, false) = variant.kind else { continue }
                idleCosts[variant.name] = IdleCost.measure(pool, others: variants, windowSeconds: options.idleSeconds)
            }
        }
        for variant in variants { variant.quiesce() }
        let stress: String
        if probeCostOnly || !options.runStress {
            stress = StressThroughput.section([], runs: 0)
        } else {
            let figures = StressThroughput.measure(binary: options.stressBinary ?? StressThroughput.defaultBinary, runs: options.stressRuns)
            stress = StressThroughput.section(figures, runs: options.stressRuns)
        }

        let derived = derivedTable(figures: figures, idleCosts: idleCosts)
        say()
        say(derived.text())
        say(Self.derivedLegend(idleSeconds: options.idleSeconds))
        say(stress)
        say()
        say(probeCostSection(variants: variants, summaries: summaries, exponents: exponents))
        if !probeCostOnly {
            say()
            say(targetSection(figures: figures, idleCosts: idleCosts, summaries: summaries, exponents: exponents))
        }
        let seconds = Double(MonotonicClock.nanoseconds() &- started) / 1e9
        say()
        say("total bench time: \(format(seconds, digits: 1)) s; load average at end: \(Machine.loadAverage) (other processes on this machine add noise)")

        if !probeCostOnly {
            let subtitle = "\(Machine.description); \(options.quick ? "quick" : "full") run, median of \(options.effectiveRepetitions) interleaved samples"
            let written = [
                try FileText.write(CSVReport.render(variants: variants, summaries: summaries, exponents: exponents, sequentialIndex: sequentialIndex),
                                      named: "bench.csv", in: options.outputDirectory),
                try FileText.write(SVGPlot.render(variants: variants, summaries: summaries, exponents: exponents, figures: figures,
                                                  title: "Time per job against N (log-log)", subtitle: subtitle),
                                      named: "bench.svg", in: options.outputDirectory),
                try FileText.write(SVGPlot.render(variants: variants, summaries: summaries, exponents: exponents, figures: figures,
                                                  title: "Time per job relative to sequential counting", subtitle: subtitle, axis: .ratio),
                                      named: "bench-ratio.svg", in: options.outputDirectory),
                try FileText.write(output.joined(separator: "\n") + "\n", named: "bench.txt", in: options.outputDirectory),
                try FileText.write([derived.markdown(), Self.derivedLegend(idleSeconds: options.idleSeconds),
                                       stress, medianTable.markdown(), ratioTable.markdown()]
                                          .joined(separator: "\n\n") + "\n", named: "bench.md", in: options.outputDirectory),
            ]
            print("wrote \(written.joined(separator: ", "))")
        }
    }

    private func derivedTable(figures: [DerivedFigures], idleCosts: [String: IdleCost]) -> TextTable {
        var table = TextTable(title: "Derived figures",
                              headers: ["variant", "cost at N=1 [IQR]", "crossover", "speed-up", "spin tail", "idle CPU"])
        for figure in figures {
            let cost = figure.costAtOne.map { "\(formatDuration(nanoseconds: $0.median)) [\(formatDuration(nanoseconds: $0.interquartileRange))]" } ?? "n/a (N=1 not run)"
            var tail = "-"
            var idle = "-"
            if let cost = idleCosts[figure.variant] {
                tail = cost.spinTailNanoseconds.map { formatDuration(nanoseconds: Double($0)) } ?? "> 2 s"
                idle = format(cost.cpuPercent, digits: 2) + " %"
            }
            table.rows.append([figure.variant, cost, figure.kind == .sequential ? "-" : figure.crossoverText,
                               "\(format(figure.speedUpAtLargest, digits: 3))× at \(formatCount(figure.largest))", tail, idle])
        }
        return table
    }

    static func derivedLegend(idleSeconds: Double) -> String {
        "crossover: smallest N from which the variant beats sequential at every larger N; spin tail: last job to every worker parked; "
            + "idle CPU: process user+sys CPU over \(format(idleSeconds, digits: 1)) s after the workers parked, % of one CPU"
    }

    private func probeCostSection(variants: [any JobVariant], summaries: [[Summary]], exponents: [Int]) -> String {
        guard let plain = variants.firstIndex(where: { $0.kind == .pool(scheduler: FutexScheduler.name, pinned: false, probe: false) }),
              let probed = variants.firstIndex(where: { $0.kind == .pool(scheduler: FutexScheduler.name, pinned: false, probe: true) })
        else { return "probe cost: not measured" }
        var lines = ["Probe cost: \(variants[probed].name) (a non-inlined call at every probe point) over \(variants[plain].name) (NoProbe), same run"]
        var ratios: [Double] = []
        for (row, exponent) in exponents.enumerated() where exponent <= 12 {
            let ratio = summaries[probed][row].median / summaries[plain][row].median
            ratios.append(ratio)
            lines.append("  N = 2^\(exponent): \(formatDuration(nanoseconds: summaries[plain][row].median)) NoProbe, \(formatDuration(nanoseconds: summaries[probed][row].median)) CallProbe, ratio \(format(ratio, digits: 3))")
        }
        if !ratios.isEmpty {
            lines.append("  median ratio over N <= 2^12: \(format(Summary(ratios).median, digits: 3)); the generated code: scripts/probe-cost.sh")
        }
        return lines.joined(separator: "\n")
    }

    private func targetSection(figures: [DerivedFigures], idleCosts: [String: IdleCost], summaries: [[Summary]], exponents: [Int]) -> String {
        let threads = 2
        // The target is about the standard pool, `CountingPool()`; the generic-initialiser
        // futex pool is listed below it.
        guard let futex = figures.first(where: { $0.variant == "countingpool/\(threads)" })
            ?? figures.first(where: { $0.kind == .pool(scheduler: FutexScheduler.name, pinned: false, probe: false) && $0.threadCount == threads })
        else { return "Targets: not checked (no 2-thread futex pool in this run)" }
        let dispatch = figures.first { $0.kind == .concurrentPerform && $0.threadCount == threads }
        var lines = ["Targets (2 threads, \(futex.variant): futex scheduler, unpinned, default spin policy) vs measured"]
        func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "MISSED" } ?? "n/a" }
        let cost = futex.costAtOne?.median
        lines.append("  cost at N=1            <= 0.5 µs     \(pad(cost.map { formatDuration(nanoseconds: $0) } ?? "n/a", 24)) \(verdict(cost.map { $0 <= 500 }))")
        let ratio: Double? = {
            guard let own = futex.crossover, let theirs = dispatch?.crossover else { return nil }
            return Double(theirs) / Double(own)
        }()
        let crossoverMet: Bool? = futex.crossover.map { own in own <= 1 << 12 && (ratio.map { $0 >= 64 } ?? (dispatch != nil && dispatch!.crossover == nil)) }
        let crossoverText = "\(futex.crossoverText) (dispatch: \(dispatch?.crossoverText ?? "n/a")\(ratio.map { ", dispatch's / ours = \(format($0, digits: $0 < 10 ? 2 : 0))" } ?? ""))"
        lines.append("  crossover              <= 2^12, >=64× smaller than concurrentPerform's   \(crossoverText) \(verdict(crossoverMet))")
        lines.append("  speed-up at \(pad(formatCount(futex.largest), 10)) >= 1.95×      \(pad(format(futex.speedUpAtLargest, digits: 3) + "×", 24)) \(verdict(futex.largest >= 1 << 30 ? futex.speedUpAtLargest >= 1.95 : nil))\(futex.largest < 1 << 30 ? " (target is at 2^30)" : "")")
        let idle = idleCosts[futex.variant]?.cpuPercent
        lines.append("  idle CPU after bound   < 1 %         \(pad(idle.map { format($0, digits: 2) + " %" } ?? "n/a", 24)) \(verdict(idle.map { $0 < 1 }))")
        for pool in figures where pool.threadCount == threads {
            guard case .pool(_, _, false) = pool.kind else { continue }
            do {
                let poolCost = pool.costAtOne.map { formatDuration(nanoseconds: $0.median) } ?? "n/a"
                let dispatchCost = dispatch?.costAtOne.map { formatDuration(nanoseconds: $0.median) } ?? "n/a"
                lines.append("  issue 2: \(pad(pool.variant, 14)) cost at N=1 \(pad(poolCost, 10)) crossover \(pad(pool.crossoverText, 8)) | concurrentPerform: cost \(dispatchCost), crossover \(dispatch?.crossoverText ?? "n/a")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
