import Pool

/// What the command line asked for. Parsing never exits: bad input is a `UsageError`, which
/// main turns into usage on stderr and exit 64.
struct BenchOptions {
    enum Mode: Equatable {
        /// The full comparison: every variant, interleaved, then the derived figures.
        case compare
        /// The spin-policy sweep for the futex pool.
        case spinSweep
        /// Only NoProbe against CallProbe (and sequential), small N.
        case probeCost
        /// `stress --explore`'s rate, schedules/s and steps/s, from its exploration build.
        case explorationRate
        /// Only the stress driver's throughput, hot profile beside the default one.
        case stressThroughput
        /// Hand-offs next to a thread that spins without end.
        case neighbourSpin
    }

    var mode = Mode.compare
    var quick = false
    var minimumExponent = 0
    var maximumExponent = 30
    /// Samples per (variant, N); nil: 5 in quick mode, 15 otherwise.
    var repetitions: Int?
    /// Pool thread counts; 0 stands for "all CPUs". Deduplicated after resolving.
    var threadCounts: [Int] = [2, 0]
    var pinning = true
    /// Timed wall time per sample (microseconds); nil: 1000 quick, 4000 otherwise.
    var sampleMicroseconds: Int?
    var outputDirectory = ".build/bench-results"
    /// The stress driver's binary; nil: `stress` beside this executable.
    var stressBinary: String?
    var runStress = true
    /// The exploration build's stress binary; nil: `ExplorationRate.defaultBinary`.
    var explorationBinary: String?
    /// Runs of each stress profile for the throughput figures (interleaved).
    var stressRuns = 3
    var idleSeconds = 1.0
    /// The pools' spin policy (compare mode); default `SpinPolicy.default`.
    var spinPolicy = SpinPolicy.default
    /// Only the variants with these names (sequential is always kept); nil: all.
    var variantFilter: [String]?
    /// `--check-args`: parse and validate the command line, then exit 0 without running.
    var checkArguments = false

    var effectiveRepetitions: Int { repetitions ?? (quick ? 5 : 15) }
    var effectiveSampleNanoseconds: UInt64 { UInt64(sampleMicroseconds ?? (quick ? 1_000 : 4_000)) * 1_000 }

    /// The thread counts to run, "all CPUs" resolved, duplicates and counts below 2 removed
    /// (a 1-thread pool is sequential counting).
    var resolvedThreadCounts: [Int] {
        var seen: [Int] = []
        for count in threadCounts {
            let resolved = count == 0 ? CPUAffinity.availableCPUCount : count
            if resolved >= 2 && !seen.contains(resolved) { seen.append(resolved) }
        }
        return seen
    }

    static let usage = """
    usage: bench [options]
      Compares the pool against sequential counting, DispatchQueue.concurrentPerform,
      withTaskGroup and a new thread per job, for N = 2^min ... 2^max; prints a table and
      the derived figures, and writes bench.csv and bench.svg into the output directory.

      --quick                 fewer samples, shorter samples (the whole run takes < 2 min)
      --min-exponent E        smallest N is 2^E (0 ... 40, default 0)
      --max-exponent E        largest N is 2^E (0 ... 40, default 30)
      --repetitions R         samples per variant and N (1 ... 1000; default 15, quick 5)
      --sample-us US          timed microseconds per sample (10 ... 10000000; default 4000, quick 1000)
      --threads LIST          pool thread counts, comma-separated, "all" = every allowed CPU
                              (default 2,all; duplicates dropped)
      --no-pinning            skip the pinned pool variants
      --spin-policy B,C,Y     the pools' spin policy: busy checks, backoff cap, yield phase in µs
                              (default: SpinPolicy.default)
      --variants LIST         only these variants, comma-separated names as in the table
                              (sequential is always kept)
      --out DIR               where bench.csv, bench.svg, bench-ratio.svg, bench.txt and bench.md go
                              (default .build/bench-results)
      --stress PATH           the stress driver binary (default: stress beside this binary)
      --no-stress             do not run the stress driver
      --stress-runs R         runs of each stress profile, interleaved (1 ... 20, default 3)
      --idle-seconds S        idle window for the idle-CPU figure (0.1 ... 60, default 1)
      --spin-sweep            instead: sweep SpinPolicy values for the futex pool
      --probe-cost            instead: NoProbe against a non-inlined probe, small N only
      --explore-rate          instead: stress --explore's schedules/s and steps/s (medians with
                              spread, variants interleaved; --repetitions samples of 2 s each)
      --explore-binary PATH   the exploration build's stress (default .build-explore/release/stress)
      --stress-throughput     instead: only the stress driver's checked jobs/s, the hot profile
                              (2 threads) beside the default profile and its phases
      --neighbour-spin        instead: hand-offs at N=1 alone and next to a thread that spins
                              without end (docs/BENCH.md, "A neighbour that spins")
      --check-args            parse and validate the command line, run nothing: exit 0, or 64
                              with the usage error
      --help                  this text
    """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `arguments` (without the program name). Returns nil for `--help`.
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions? {
        var options = BenchOptions()
        var remaining = arguments[...]
        func value(for flag: String) throws(UsageError) -> String {
            guard let next = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func integer(for flag: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
            let text = try value(for: flag)
            guard let number = Int(text), range.contains(number) else {
                throw UsageError(description: "\(flag) expects an integer in \(range.lowerBound) ... \(range.upperBound), got '\(text)'")
            }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--help", "-h": return nil
            case "--quick": options.quick = true
            case "--min-exponent": options.minimumExponent = try integer(for: argument, in: 0...40)
            case "--max-exponent": options.maximumExponent = try integer(for: argument, in: 0...40)
            case "--repetitions": options.repetitions = try integer(for: argument, in: 1...1000)
            case "--sample-us": options.sampleMicroseconds = try integer(for: argument, in: 10...10_000_000)
            case "--threads": options.threadCounts = try parseThreadList(try value(for: argument))
            case "--no-pinning": options.pinning = false
            case "--spin-policy": options.spinPolicy = try parseSpinPolicy(try value(for: argument))
            case "--variants":
                let names = try value(for: argument).split(separator: ",").map(String.init)
                if names.isEmpty { throw UsageError(description: "--variants needs at least one name") }
                options.variantFilter = names
            case "--out": options.outputDirectory = try value(for: argument)
            case "--stress": options.stressBinary = try value(for: argument)
            case "--no-stress": options.runStress = false
            case "--stress-runs": options.stressRuns = try integer(for: argument, in: 1...20)
            case "--stress-throughput": options.mode = .stressThroughput
            case "--idle-seconds":
                let text = try value(for: argument)
                guard let seconds = Double(text), seconds >= 0.1 && seconds <= 60 else {
                    throw UsageError(description: "--idle-seconds expects a number in 0.1 ... 60, got '\(text)'")
                }
                options.idleSeconds = seconds
            case "--spin-sweep": options.mode = .spinSweep
            case "--probe-cost": options.mode = .probeCost
            case "--explore-rate": options.mode = .explorationRate
            case "--explore-binary": options.explorationBinary = try value(for: argument)
            case "--neighbour-spin": options.mode = .neighbourSpin
            case "--check-args": options.checkArguments = true
            default: throw UsageError(description: "unknown argument '\(argument)'")
            }
        }
        if options.minimumExponent > options.maximumExponent {
            throw UsageError(description: "--min-exponent \(options.minimumExponent) is above --max-exponent \(options.maximumExponent)")
        }
        if options.resolvedThreadCounts.isEmpty {
            throw UsageError(description: "--threads needs at least one count >= 2 (this machine allows \(CPUAffinity.availableCPUCount) CPUs)")
        }
        return options
    }

    static func parseSpinPolicy(_ text: String) throws(UsageError) -> SpinPolicy {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let busyChecks = parts[0], let backoffCap = parts[1], let yieldMicroseconds = parts[2],
              (0...10_000_000).contains(busyChecks), (1...1_000_000).contains(backoffCap), (0...10_000_000).contains(yieldMicroseconds)
        else {
            throw UsageError(description: "--spin-policy expects busyChecks,backoffCap,yieldMicroseconds (e.g. 128,1,100; cap >= 1), got '\(text)'")
        }
        return SpinPolicy(busyChecks: busyChecks, backoffCap: backoffCap, yieldPhase: .microseconds(yieldMicroseconds))
    }

    static func parseThreadList(_ text: String) throws(UsageError) -> [Int] {
        var counts: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if item == "all" {
                counts.append(0)
            } else if let count = Int(item), count >= 1 && count <= ThreadPoolLimits.maximumThreads {
                counts.append(count)
            } else {
                throw UsageError(description: "--threads expects counts in 1 ... \(ThreadPoolLimits.maximumThreads) or 'all', comma-separated; got '\(text)'")
            }
        }
        return counts
    }
}
