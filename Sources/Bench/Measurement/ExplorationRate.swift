import FoundationEssentials
import Glibc
import Pool

/// `bench --explore-rate`: the exploration rate of `stress --explore`, in schedules/s and
/// steps/s (scheduling points), from its exploration build run as a child process (the bench
/// itself is built without the Exploration trait). Each sample is one 2-second random
/// exploration that writes its rate to its JSON report; the variants are interleaved, sample
/// by sample, so that a noisy neighbour hits them all alike; each is reported as the median
/// with its interquartile range, and as a ratio to the first variant.
///
/// The variants answer four questions:
/// - the target: 2 to 3 threads, 2 jobs, at least 1,000 schedules/s, under the default
///   memory model (c11);
/// - what the memory model costs: the same exploration under `--memory-model sc`, side by
///   side;
/// - oversubscription: 4 threads on this 2-CPU machine must not fall apart per step (one
///   controlled thread runs at a time; the others sleep on their futex words, none spins);
/// - pinning, and two explorations side by side (their rates summed): whether the
///   controlled threads should share one CPU, and what a second process adds.
struct ExplorationRate {
    let options: BenchOptions

    struct Variant {
        var name: String
        var arguments: [String]
        /// Explorations run side by side in one sample (their rates summed).
        var processes = 1
    }

    static let variants = [
        Variant(name: "2-3 threads, 2 jobs, pinned, c11", arguments: ["--threads", "2,3", "--jobs", "2"]),
        Variant(name: "2-3 threads, 2 jobs, pinned, sc", arguments: ["--threads", "2,3", "--jobs", "2", "--memory-model", "sc"]),
        Variant(name: "2-3 threads, 2 jobs, unpinned", arguments: ["--threads", "2,3", "--jobs", "2", "--no-pin"]),
        Variant(name: "4 threads, 2 jobs, pinned", arguments: ["--threads", "4", "--jobs", "2"]),
        Variant(name: "4 threads, 2 jobs, unpinned", arguments: ["--threads", "4", "--jobs", "2", "--no-pin"]),
        Variant(name: "2-3 threads, 2 jobs, 2 processes", arguments: ["--threads", "2,3", "--jobs", "2"], processes: 2),
    ]

    static let sampleSeconds = 2

    /// Where `swift build -c release --traits Exploration --scratch-path .build-explore` puts it.
    static let defaultBinary = ".build-explore/release/stress"

    struct Sample {
        var schedulesPerSecond: Double
        var stepsPerSecond: Double
        var switchesPerSecond: Double
    }

    func run() {
        let binary = options.explorationBinary ?? Self.defaultBinary
        guard access(binary, X_OK) == 0 else {
            StandardError.write("bench: no exploration build at \(binary); build it with\n"
                                + "  swift build -c release --traits Exploration --scratch-path .build-explore --product stress\n"
                                + "or pass --explore-binary PATH\n")
            exit(1)
        }
        let repetitions = options.effectiveRepetitions
        print("stress --explore rate: \(binary), random strategy, \(Self.sampleSeconds) s per sample, "
              + "\(repetitions) samples per variant, interleaved; \(CPUAffinity.availableCPUCount) CPUs")
        var samples = Array(repeating: [Sample](), count: Self.variants.count)
        for repetition in 0..<repetitions {
            for (index, variant) in Self.variants.enumerated() {
                switch measure(variant, binary: binary, seed: UInt64(1000 + repetition)) {
                case .success(let sample): samples[index].append(sample)
                case .failure(let problem): print("  \(variant.name), sample \(repetition + 1): \(problem.reason)")
                }
            }
        }
        report(samples)
    }

    struct Problem: Error {
        var reason: String
    }

    /// One sample of `variant`: its explorations side by side, their rates summed.
    func measure(_ variant: Variant, binary: String, seed: UInt64) -> Result<Sample, Problem> {
        let reports = (0..<variant.processes).map { "/tmp/bench-explore-\(getpid())-\($0).json" }
        defer { for report in reports { unlink(report) } }
        let children = reports.enumerated().map { index, report in
            ChildProcess.start([binary, "--explore", "--seed", String(seed &+ UInt64(index) &* 7919),
                                "--seconds", String(Self.sampleSeconds), "--quiet", "--json", report] + variant.arguments)
        }
        var total = Sample(schedulesPerSecond: 0, stepsPerSecond: 0, switchesPerSecond: 0)
        for (child, report) in zip(children, reports) {
            guard let child else { return .failure(Problem(reason: "could not start \(binary)")) }
            guard let status = ChildProcess.wait(child, deadlineNanoseconds: UInt64(Self.sampleSeconds * 10 + 30) * 1_000_000_000) else {
                return .failure(Problem(reason: "\(binary) did not finish; killed"))
            }
            guard status == 0 else { return .failure(Problem(reason: "\(binary) exited with status \(status) (a finding, or a usage error)")) }
            guard let json = FileText.read(report),
                  let rates = try? JSONDecoder().decode(RateReport.self, from: Data(json.utf8)).exploration else {
                return .failure(Problem(reason: "no exploration rate in \(report)"))
            }
            total.schedulesPerSecond += rates.schedulesPerSecond
            total.stepsPerSecond += rates.stepsPerSecond
            total.switchesPerSecond += rates.switchesPerSecond ?? 0
        }
        return .success(total)
    }

    func report(_ samples: [[Sample]]) {
        print("")
        print(pad("variant", 36) + pad("schedules/s median [IQR]", 26) + pad("steps/s median [IQR]", 30)
              + pad("switches/s median", 19) + "ratio to the first (schedules, steps, switches)")
        var first: (Double, Double, Double)?
        for (variant, variantSamples) in zip(Self.variants, samples) {
            guard !variantSamples.isEmpty else {
                print(pad(variant.name, 36) + "n/a")
                continue
            }
            let schedules = Summary(variantSamples.map(\.schedulesPerSecond))
            let steps = Summary(variantSamples.map(\.stepsPerSecond))
            let switches = Summary(variantSamples.map(\.switchesPerSecond))
            if first == nil { first = (schedules.median, steps.median, switches.median) }
            let ratio = first.map {
                [schedules.median / $0.0, steps.median / $0.1, switches.median / $0.2].map { format($0, digits: 2) }.joined(separator: ", ")
            } ?? "-"
            print(pad(variant.name, 36)
                  + pad("\(format(schedules.median, digits: 0)) [\(format(schedules.lowerQuartile, digits: 0))-\(format(schedules.upperQuartile, digits: 0))]", 26)
                  + pad("\(format(steps.median, digits: 0)) [\(format(steps.lowerQuartile, digits: 0))-\(format(steps.upperQuartile, digits: 0))]", 30)
                  + pad(format(switches.median, digits: 0), 19) + ratio)
        }
        if let first {
            print("\ntarget: >= 1000 schedules/s for 2-3 threads, 2 jobs, memory model c11: \(first.0 >= 1000 ? "met" : "NOT MET") (\(format(first.0, digits: 0))/s)")
        }
    }
}

/// The part of a `stress --explore --json` report the bench reads: the exploration rates
/// (`StressSummary.exploration`), decoded by key, never searched for in the text.
private struct RateReport: Decodable {
    struct Rates: Decodable {
        var schedulesPerSecond: Double
        var stepsPerSecond: Double
        var switchesPerSecond: Double?
    }
    var exploration: Rates
}
