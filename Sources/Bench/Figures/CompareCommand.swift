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

    /// The pool variants, per thread count: the floor (and the floor with a locked publish); the standard pool through its own
    /// initialiser (which Pool specialises itself) and the same blocks through the generic
    /// one; the probe-cost pair's CallProbe half; the book's design (futex + spin lock) and
    /// the two mixes, which tell what each block is worth; the barrier scheduler; pinned
    /// pools; then the other ways to run a job.
    static func buildVariants(options: BenchOptions, probeCostOnly: Bool) throws(PoolError) -> [any JobVariant] {
        var variants: [any JobVariant] = [SequentialVariant()]
        let threadCounts = options.resolvedThreadCounts
        let policy = options.spinPolicy
        for (position, threads) in threadCounts.enumerated() {
            variants.append(FloorVariant(threadCount: threads))
            if options.pinning { variants.append(FloorVariant(threadCount: threads, pinned: true)) }
            variants.append(FloorVariant(threadCount: threads, step: .lockedPublish))
            variants.append(FloorVariant(threadCount: threads, step: .readBeforeWrite))
            variants.append(try StandardPoolVariant(
                threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy, label: "countingpool/\(threads)",
                make: { configuration throws(PoolError) in try CountingPool(configuration: configuration) }))
            variants.append(try StandardPoolVariant(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy))
            // The probe-cost pair runs at the first thread count only.
            if position == 0 {
                variants.append(try PoolVariant<SequenceScheduler, SlotReducer, CallProbe>(threadCount: threads, pinned: false, probe: CallProbe(), spinPolicy: policy))
            }
            if probeCostOnly { continue }
            variants.append(try PoolVariant<FutexScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy))
            variants.append(try PoolVariant<FutexScheduler, SlotReducer, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy))
            variants.append(try PoolVariant<SequenceScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy))
            variants.append(try PoolVariant<BasicScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: policy))
            if options.pinning {
                variants.append(try StandardPoolVariant(threadCount: threads, pinned: true, probe: NoProbe(), spinPolicy: policy))
                variants.append(try PoolVariant<FutexScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: true, probe: NoProbe(), spinPolicy: policy))
                variants.append(try PoolVariant<BasicScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: true, probe: NoProbe(), spinPolicy: policy))
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
                .filter { variant in options.variantFilter.map { $0.contains(variant.name) || variant.kind == .sequential || variant.kind.isFloor } ?? true }
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
        let floorSummary = FloorRatios.summary(variants: variants, summaries: summaries, exponents: exponents)
        let floorTable = FloorRatios.table(variants: variants, summaries: summaries, exponents: exponents)
        say()
        say(medianTable.text())
        say()
        say(ratioTable.text())
        if let floorTable {
            say()
            say(floorTable.text())
        }
        if let floorSummary {
            say()
            say(floorSummary.text())
            say(FloorRatios.legend)
        }

        var idleCosts: [String: IdleCost] = [:]
        if !probeCostOnly {
            for variant in variants {
                guard let pool = variant as? any ParkingVariant, case .pool(_, _, _, false) = variant.kind else { continue }
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
            say(targetSection(variants: variants, figures: figures, idleCosts: idleCosts, summaries: summaries, exponents: exponents))
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
                try FileText.write(([floorSummary?.markdown(), floorSummary.map { _ in FloorRatios.legend },
                                        derived.markdown(), Self.derivedLegend(idleSeconds: options.idleSeconds),
                                        stress, medianTable.markdown(), ratioTable.markdown(),
                                        floorTable?.markdown()] as [String?])
                                          .compactMap { $0 }.joined(separator: "\n\n") + "\n", named: "bench.md", in: options.outputDirectory),
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
        // The CallProbe pool, and the same blocks with NoProbe through the same (generic) initialiser.
        guard let probed = variants.firstIndex(where: { if case .pool(_, _, _, true) = $0.kind { true } else { false } }),
              let plain = variants.firstIndex(where: { $0.name + "/callprobe" == variants[probed].name })
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

    /// The targets, checked on the standard pool (`CountingPool()`) at 2 threads, against
    /// figures of this run; then every pool's cost, ratio to the floor and crossover.
    private func targetSection(variants: [any JobVariant], figures: [DerivedFigures], idleCosts: [String: IdleCost],
                               summaries: [[Summary]], exponents: [Int]) -> String {
        let threads = 2
        guard let standard = figures.firstIndex(where: { $0.variant == "countingpool/\(threads)" }) else {
            return "Targets: not checked (no countingpool/\(threads) in this run)"
        }
        let pool = figures[standard]
        let startsAtOne = exponents.first == 0
        func floorRatio(_ index: Int) -> Summary? {
            guard startsAtOne, let floor = FloorRatios.floorIndex(for: variants[index], variants: variants) else { return nil }
            return FloorRatios.ratio(of: index, to: floor, row: 0, summaries: summaries)
        }
        let standardRatio = floorRatio(standard)
        let dispatch = figures.first { $0.kind == .concurrentPerform && $0.threadCount == threads }
        var lines = ["Targets (\(threads) threads, \(pool.variant): \(SequenceScheduler.name) scheduler + \(SlotReducer.name) reducer, unpinned, default spin policy) vs measured"]
        func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "MISSED" } ?? "n/a" }
        func row(_ figure: String, _ target: String, _ measured: String, _ met: Bool?) {
            lines.append("  \(pad(figure, 30)) \(pad(target, 34)) \(pad(measured, 44)) \(verdict(met))")
        }
        row("cost over the floor at N=1", "<= 1.25× (same run)",
            standardRatio.map { "\(format($0.median, digits: 2))× [IQR \(format($0.interquartileRange, digits: 2))]" } ?? "n/a", standardRatio.map { $0.median <= 1.25 })
        if let pinned = variants.indices.first(where: { variants[$0].name == "\(SequenceScheduler.name)+\(SlotReducer.name)/\(threads)/pin" }),
           let ratio = floorRatio(pinned), variants[FloorRatios.floorIndex(for: variants[pinned], variants: variants)!].kind.isPinned {
            row("  pinned, over the pinned floor", "(the same blocks, no placement luck)",
                "\(format(ratio.median, digits: 2))× [IQR \(format(ratio.interquartileRange, digits: 2))]", nil)
        }
        row("crossover", "<= 2^11", pool.crossoverText, pool.crossover.map { $0 <= 1 << 11 })
        let idle = idleCosts[pool.variant]?.cpuPercent
        row("idle CPU after the spin bound", "< 1 %", idle.map { format($0, digits: 2) + " %" } ?? "n/a", idle.map { $0 < 1 })
        let cost = pool.costAtOne?.median
        row("cost at N=1", "<= 0.5 µs", cost.map { formatDuration(nanoseconds: $0) } ?? "n/a", cost.map { $0 <= 500 })
        let below: Double? = {
            guard let own = pool.crossover, let theirs = dispatch?.crossover else { return nil }
            return Double(theirs) / Double(own)
        }()
        row("crossover below dispatch's", ">= 64×", "dispatch \(dispatch?.crossoverText ?? "n/a")" + (below.map { ", \(format($0, digits: $0 < 10 ? 2 : 0))× ours" } ?? ""),
            pool.crossover.map { _ in below.map { $0 >= 64 } ?? (dispatch != nil && dispatch!.crossover == nil) })
        row("speed-up at \(formatCount(pool.largest))", ">= 1.95× (at 2^30)", format(pool.speedUpAtLargest, digits: 3) + "×",
            pool.largest >= 1 << 30 ? pool.speedUpAtLargest >= 1.95 : nil)
        lines.append("Every pool at \(threads) threads (cost at N=1, over the floor, crossover) | concurrentPerform: cost \(dispatch?.costAtOne.map { formatDuration(nanoseconds: $0.median) } ?? "n/a"), crossover \(dispatch?.crossoverText ?? "n/a")")
        for (index, figure) in figures.enumerated() where figure.threadCount == threads {
            guard case .pool(_, _, _, false) = figure.kind else { continue }
            let poolCost = figure.costAtOne.map { formatDuration(nanoseconds: $0.median) } ?? "n/a"
            let ratio = floorRatio(index)?.median
            lines.append("  \(pad(figure.variant, 28)) \(pad(poolCost, 10)) \(pad(ratio.map { format($0, digits: 2) + "×" } ?? "n/a", 7)) crossover \(figure.crossoverText)")
        }
        return lines.joined(separator: "\n")
    }
}
