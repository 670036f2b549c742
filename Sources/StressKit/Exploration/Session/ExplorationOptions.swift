/// The `stress --explore` part of the command line (see `StressOptions`).
///
/// Parsed in every build, so that a build without the `Exploration` trait can say how to get
/// one instead of "unknown argument"; only an exploration build acts on it. Values that need
/// the explorer to check them (a scenario's text, a schedule) are kept as text here and
/// checked when the exploration starts: a bad one is still a usage error (exit 64).
public struct ExplorationOptions: Sendable, Equatable {
    public enum Strategy: String, Sendable, CaseIterable {
        case random, pct, dfs
    }

    /// `--explore`: run the controlled scheduler instead of random stress.
    public var enabled = false
    public var strategy = Strategy.random
    /// `--depth D`, PCT's bug depth.
    public var depth = 3
    /// `--preemptions P`, DFS's preemption bound.
    public var preemptions = 2
    /// `--schedules N`: stop after N schedules (nil: only the time limit).
    public var schedules: Int?
    /// `--jobs N`: every scenario has exactly N jobs (nil: 1 to 3).
    public var jobs: Int?
    /// `--scenario INDEX|TEXT`: explore only this scenario.
    public var scenario: String?
    /// `--replay SCHEDULE|@FILE`: run this one schedule (needs --scenario).
    public var replay: String?
    /// `--spurious-wakes N`: spurious wake-ups the controller may choose per schedule
    /// (nil: 1, or 0 for dfs).
    public var spuriousWakes: Int?
    /// `--max-steps N`: decisions without progress before a livelock is reported.
    public var maxSteps = 10_000
    /// `--no-shrink`: report the first failing schedule as found.
    public var shrink = true
    /// `--trace`: print the trace of a replayed schedule even when it passes.
    public var trace = false
    /// `--no-pin`: let the controlled threads run on any CPU (default: all on one).
    public var pin = true
    /// `--memory-model`: what a load may read (default c11).
    public var memoryModel = MemoryModelKind.c11
    /// `--stale-reads S`: dfs explores schedules with at most S loads that read an older
    /// store than the latest (default 1).
    public var staleReads = 1

    public init() {}

    /// Spurious wake-ups per schedule in effect.
    public var effectiveSpuriousWakes: Int { spuriousWakes ?? (strategy == .dfs ? 0 : 1) }

    /// The flags this part owns, and whether each takes a value.
    static let flags: [String: Bool] = [
        "--explore": false, "--strategy": true, "--depth": true, "--preemptions": true, "--schedules": true,
        "--jobs": true, "--scenario": true, "--replay": true, "--spurious-wakes": true, "--max-steps": true,
        "--no-shrink": false, "--trace": false, "--no-pin": false, "--memory-model": true, "--stale-reads": true,
    ]

    public static let usage = """
        exploration (an exploration build: see docs/EXPLORATION.md):
          --explore          run the real pool under the controlled scheduler (one thread at a time)
          --strategy NAME    random (default), pct or dfs
          --depth D          pct: the bug depth, >= 1 (default 3)
          --preemptions P    dfs: explore every schedule with <= P preemptions (default 2)
          --schedules N      stop after N schedules (default: --seconds decides)
          --jobs N           jobs per scenario, 1 ... 8 (default: 1 to 3)
          --scenario S       only this scenario: an index, or text like futex:3:12,5+throw-at-point@lock-taken/t1
          --replay SCHEDULE  run one schedule (text like 3b12a, or @FILE) on --scenario, and print its trace
          --spurious-wakes N spurious wake-ups the controller may choose per schedule (default 1; dfs 0)
          --max-steps N      decisions without progress before a livelock is reported (default 10000)
          --no-shrink        report a failing schedule without minimising it
          --trace            print the trace of a replay even when it passes
          --no-pin           do not pin the controlled threads to one CPU
          --memory-model M   c11 (default): a load may read any store the C++20 model allows;
                             sc: every load reads the latest store; c11-seqcst-as-acqrel: c11
                             with seq_cst treated as acquire/release (loom's approximation)
          --stale-reads S    dfs: explore every schedule with <= S stale reads (default 1)
          --explore --self-test  every canary except ThreadSanitizer's, with each strategy
        """

    /// Applies one of this part's flags; `value` is its value if it takes one.
    mutating func apply(_ flag: String, value: String?) throws(StressUsageError) {
        func count(_ range: ClosedRange<Int>) throws(StressUsageError) -> Int {
            guard let text = value, let number = Int(text), range.contains(number) else {
                throw StressUsageError("\(flag) needs a number from \(range.lowerBound) to \(range.upperBound), not '\(value ?? "")'")
            }
            return number
        }
        switch flag {
        case "--explore": enabled = true
        case "--strategy":
            guard let text = value, let parsed = Strategy(rawValue: text) else {
                throw StressUsageError("--strategy must be random, pct or dfs, not '\(value ?? "")'")
            }
            strategy = parsed
        case "--depth": depth = try count(1...10)
        case "--preemptions": preemptions = try count(0...20)
        case "--schedules": schedules = try count(1...Int(Int32.max))
        case "--jobs": jobs = try count(1...8)
        case "--scenario": scenario = value
        case "--replay": replay = value
        case "--spurious-wakes": spuriousWakes = try count(0...100)
        case "--max-steps": maxSteps = try count(100...100_000_000)
        case "--no-shrink": shrink = false
        case "--trace": trace = true
        case "--no-pin": pin = false
        case "--memory-model":
            guard let text = value, let parsed = MemoryModelKind(rawValue: text) else {
                throw StressUsageError("--memory-model must be c11, sc or c11-seqcst-as-acqrel, not '\(value ?? "")'")
            }
            memoryModel = parsed
        case "--stale-reads": staleReads = try count(0...20)
        default: throw StressUsageError("unknown argument '\(flag)'")
        }
    }

    /// Checks the combination, once every flag is in; `given` lists the flags on the line.
    func validate(given: Set<String>) throws(StressUsageError) {
        let own = given.filter { Self.flags[$0] != nil && $0 != "--explore" }
        if !enabled {
            if let flag = own.sorted().first { throw StressUsageError("\(flag) needs --explore") }
            return
        }
        if replay != nil && scenario == nil {
            throw StressUsageError("--replay needs the --scenario the schedule was recorded on")
        }
        if given.contains("--depth") && strategy != .pct { throw StressUsageError("--depth is for --strategy pct") }
        if given.contains("--preemptions") && strategy != .dfs { throw StressUsageError("--preemptions is for --strategy dfs") }
        if given.contains("--stale-reads") && strategy != .dfs { throw StressUsageError("--stale-reads is for --strategy dfs") }
        for flag in ["--noise", "--from-episode"] where given.contains(flag) {
            throw StressUsageError("\(flag) has no meaning with --explore: the controller decides every interleaving")
        }
    }
}

/// `--memory-model`: what a load may read.
public enum MemoryModelKind: String, Sendable, CaseIterable {
    /// The C++20 model (as RC11 repairs it): a load may read any store coherence and the
    /// seq_cst rules allow (`MemoryModel`).
    case c11
    /// Sequential consistency: every load reads the latest store.
    case sc
    /// The C++20 model with every seq_cst operation treated as acquire/release (and the
    /// kernel's barrier as nothing): loom's approximation, for comparison: it flags
    /// `ParkingWord`'s correct store-buffer pair.
    case c11SeqCstAsAcquireRelease = "c11-seqcst-as-acqrel"
}
