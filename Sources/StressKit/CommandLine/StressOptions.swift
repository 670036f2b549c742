import Canaries
import Pool

/// Which scheduler the plan may pick for an episode.
public enum SchedulerKind: String, CaseIterable, Sendable, Hashable {
    case basic
    case futex
    case sequence
}

/// Which reducer the plan may pick for an episode.
public enum ReducerKind: String, CaseIterable, Sendable, Hashable {
    case spinlock
    case slot
}

/// The validated command line of `stress`.
///
/// Contract: `parse(_:)` is a pure function of the arguments (no I/O, no randomness except
/// that a missing `--seed` is left nil for the caller to draw); every invalid command line
/// is a `StressUsageError` whose message names the flag and the problem.
public struct StressOptions: Sendable, Equatable {
    /// Run time in seconds (per canary with `--self-test`).
    public var seconds: Double = 60
    /// nil: the driver draws one and prints it.
    public var seed: UInt64?
    /// Thread counts the plan may pick; nil: 1 ... twice the CPUs.
    public var threadCounts: [Int]?
    public var schedulers: [SchedulerKind] = SchedulerKind.allCases
    public var reducers: [ReducerKind] = ReducerKind.allCases
    /// Probability that a job carries an injected fault, 0 ... 1.
    public var faultRate: Double = 0.02
    /// Highest noise level an episode may draw, 0 (off) ... 3.
    public var noiseLevel: Int = 2
    /// A job or shutdown that runs longer than this is a stall.
    public var watchdogSeconds: Double = 10
    public var jsonPath: String?
    public var variant: Canary?
    public var fromEpisode: Int = 0
    /// Hot phases, noisy phases, or both alternating (`StressProfile`).
    public var profile: StressProfile = .default
    /// Exit `StressExitCode.coverageIncomplete` when a race the run could exercise was
    /// never seen (`ProtocolRace`).
    public var requireCoverage = false
    /// With `--self-test`: hunts per canary (seeds S, S+1, ...); the summary gives medians.
    public var repeatCount = 1
    /// `--profile` was given (the self-test passes it on to every child, after the canary's
    /// own flags).
    public var profileGiven = false
    public var selfTest = false
    public var listCanaries = false
    public var quiet = false
    public var help = false
    /// `--check-args`: parse and validate the command line, then exit without running
    /// (0, or 64 with the usage error), so that documents can prove their command lines.
    public var checkArguments = false
    /// `--explore` and its flags (`ExplorationOptions`).
    public var exploration = ExplorationOptions()

    public init() {}

    /// The thread counts in effect.
    public var effectiveThreadCounts: [Int] {
        threadCounts ?? Array(1...max(2, 2 * CPUAffinity.availableCPUCount))
    }

    /// The thread counts of hot episodes: those in effect from 2 up to the CPUs this process
    /// may use (2 on a 1-CPU machine: a pool needs two threads to race at all).
    public var hotThreadCounts: [Int] {
        effectiveThreadCounts.filter { (2...max(2, CPUAffinity.availableCPUCount)).contains($0) }
    }

    public static let usage = """
        usage: stress [--seconds S] [--seed N] [--threads LIST] [--scheduler basic|futex|sequence|all]
                      [--reducer spinlock|slot|all] [--faults RATE] [--noise LEVEL] [--watchdog SECONDS]
                      [--json PATH] [--variant NAME] [--from-episode K] [--profile default|hot|noisy]
                      [--require-coverage] [--self-test [--repeat N]] [--list-canaries]
                      [--quiet] [--check-args] [--help]
               stress --explore [--strategy random|pct|dfs] [--depth D] [--preemptions P] [--schedules N]
                      [--jobs N] [--scenario S] [--replay SCHEDULE] [--self-test] ... (see below)

          --seconds S        run time in seconds, > 0 (default 60; per canary with --self-test: 30)
          --seed N           plan seed, decimal or 0x-hex (default: random, printed)
          --threads LIST     thread counts, e.g. 1,2,4 or 1-8 (default 1 to twice the CPUs)
          --scheduler NAME   basic, futex, sequence or all (default all)
          --reducer NAME     spinlock, slot or all (default all)
          --faults RATE      probability of a fault per job, 0 ... 1 (default 0.02; 0 = off)
          --noise LEVEL      highest delay noise at probe points, 0 (off) ... 3 (default 2)
          --watchdog SECONDS stall deadline for a job or a shutdown, > 0 (default 10)
          --json PATH        also write the summary as JSON to PATH
          --variant NAME     run a deliberately broken canary: \(Canary.allCases.map(\.rawValue).joined(separator: ", "))
          --from-episode K   start the plan at episode K (replay, with the same --seed); hot
                             episodes are numbered from 1000000000
          --profile NAME     default: noisy phases (2 s) and hot phases (1 s) alternate;
                             hot: one caller, 2 ... CPUs threads, spinning workers, small jobs
                             back to back, no noise, no faults (--faults and --noise shape
                             noisy phases only); noisy: noise, faults, churn, 2 callers
          --require-coverage exit 4 if a protocol race this run could exercise was never seen
          --self-test        run every canary the stress driver must catch; exit 3 if one survives
                             (--profile, if given, overrides each canary's own)
          --repeat N         with --self-test: hunt each canary N times, seeds S, S+1, ...;
                             print the median time to detection
          --list-canaries    print the canary registry (tab-separated) and exit
          --quiet            no progress line
          --check-args       parse and validate the command line, run nothing: exit 0, or 64 with
                             the usage error (also after `stress summarize` or `stress report-field`)
          --help             this text

        \(ExplorationOptions.usage)

        exit codes: 0 no violation, 1 violation (or resource leak), 2 stall (watchdog; with --explore also
                    a deadlock or livelock), 3 canary survived, 4 no violation but a race never seen
                    (--require-coverage), 5 crash (the driver died of a signal; its supervisor wrote the
                    report), 130/143 interrupted by SIGINT/SIGTERM (the report covers what ran),
                    64 usage error (also: --explore in a build without it)
        """

    /// The flag of `checkArguments`, which every parser of `stress` accepts.
    public static let checkArgumentsFlag = "--check-args"

    /// Parses the arguments that follow the program name.
    public static func parse(_ arguments: [String]) throws(StressUsageError) -> StressOptions {
        var options = StressOptions()
        var secondsGiven = false
        var index = 0
        func value(for flag: String) throws(StressUsageError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw StressUsageError("\(flag) needs a value")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--seconds":
                options.seconds = try positiveSeconds(try value(for: flag), flag: flag)
                secondsGiven = true
            case "--seed":
                options.seed = try parseSeed(try value(for: flag))
            case "--threads":
                options.threadCounts = try parseThreadList(try value(for: flag))
            case "--scheduler":
                let text = try value(for: flag)
                if text == "all" {
                    options.schedulers = SchedulerKind.allCases
                } else if let kind = SchedulerKind(rawValue: text) {
                    options.schedulers = [kind]
                } else {
                    throw StressUsageError("--scheduler must be \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")) or all, not '\(text)'")
                }
            case "--reducer":
                let text = try value(for: flag)
                if text == "all" {
                    options.reducers = ReducerKind.allCases
                } else if let kind = ReducerKind(rawValue: text) {
                    options.reducers = [kind]
                } else {
                    throw StressUsageError("--reducer must be \(ReducerKind.allCases.map(\.rawValue).joined(separator: ", ")) or all, not '\(text)'")
                }
            case "--faults":
                let text = try value(for: flag)
                guard let rate = Double(text), rate >= 0, rate <= 1 else {
                    throw StressUsageError("--faults needs a rate from 0 to 1, not '\(text)'")
                }
                options.faultRate = rate
            case "--noise":
                let text = try value(for: flag)
                guard let level = Int(text), (0...3).contains(level) else {
                    throw StressUsageError("--noise needs a level from 0 to 3, not '\(text)'")
                }
                options.noiseLevel = level
            case "--watchdog":
                options.watchdogSeconds = try positiveSeconds(try value(for: flag), flag: flag)
            case "--json":
                options.jsonPath = try value(for: flag)
            case "--variant":
                let text = try value(for: flag)
                guard let canary = Canary(rawValue: text) else {
                    throw StressUsageError("unknown --variant '\(text)'; known: \(Canary.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.variant = canary
            case "--from-episode":
                let text = try value(for: flag)
                guard let episode = Int(text), episode >= 0 else {
                    throw StressUsageError("--from-episode needs an episode number >= 0, not '\(text)'")
                }
                options.fromEpisode = episode
            case "--profile":
                let text = try value(for: flag)
                guard let profile = StressProfile(rawValue: text) else {
                    throw StressUsageError("--profile must be default, hot or noisy, not '\(text)'")
                }
                options.profile = profile
                options.profileGiven = true
            case "--require-coverage": options.requireCoverage = true
            case "--repeat":
                let text = try value(for: flag)
                guard let count = Int(text), (1...100).contains(count) else {
                    throw StressUsageError("--repeat needs a count from 1 to 100, not '\(text)'")
                }
                options.repeatCount = count
            case "--self-test": options.selfTest = true
            case "--list-canaries": options.listCanaries = true
            case "--quiet": options.quiet = true
            case checkArgumentsFlag: options.checkArguments = true
            case "--help", "-h": options.help = true
            default:
                guard let takesValue = ExplorationOptions.flags[flag] else {
                    throw StressUsageError("unknown argument '\(flag)'")
                }
                try options.exploration.apply(flag, value: takesValue ? try value(for: flag) : nil)
            }
            index += 1
        }
        try options.exploration.validate(given: Set(arguments))
        if options.selfTest && !secondsGiven { options.seconds = 30 }
        if options.selfTest && options.variant != nil {
            throw StressUsageError("--self-test runs every canary itself; it takes no --variant")
        }
        if options.repeatCount != 1 && !options.selfTest {
            throw StressUsageError("--repeat goes with --self-test")
        }
        if options.selfTest && options.requireCoverage {
            throw StressUsageError("--require-coverage is for a stress run; the self-test hunts canaries")
        }
        return options
    }

    static func positiveSeconds(_ text: String, flag: String) throws(StressUsageError) -> Double {
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw StressUsageError("\(flag) needs a number of seconds > 0, not '\(text)'")
        }
        return seconds
    }

    static func parseSeed(_ text: String) throws(StressUsageError) -> UInt64 {
        let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        guard let seed = parsed else { throw StressUsageError("--seed needs an unsigned 64-bit number, not '\(text)'") }
        return seed
    }

    /// "1,2,4", "1-8", or a mix ("1-3,8"). Each count in 1 ... ThreadPoolLimits.maximumThreads.
    static func parseThreadList(_ text: String) throws(StressUsageError) -> [Int] {
        var counts: [Int] = []
        let limit = ThreadPoolLimits.maximumThreads
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), let high = Int(bounds.last!),
                  low >= 1, high >= low, high <= limit else {
                throw StressUsageError("--threads needs counts or ranges in 1 ... \(limit), like 1,2,4 or 1-8; '\(part)' in '\(text)' is not one")
            }
            counts.append(contentsOf: low...high)
        }
        return Array(Set(counts)).sorted()
    }
}

/// A bad command line: the message says which flag and why. Exit code 64.
public struct StressUsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
