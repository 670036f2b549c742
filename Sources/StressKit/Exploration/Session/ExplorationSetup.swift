#if Exploration
import Canaries
import Glibc
import Pool

/// A `stress --explore` command line, checked and resolved: what to explore, with which
/// strategy, for how long. Every check that needs the explorer's own parsers is here, so
/// that a bad scenario or schedule is a usage error before anything runs.
struct ExplorationSetup {
    let options: StressOptions
    let seed: UInt64
    let threadCounts: [Int]
    let scenarios: ExplorationScenarios
    /// `--scenario`: the one scenario to explore.
    let fixedEpisode: Episode?
    /// `--replay`: the one schedule to run.
    let replaySchedule: Schedule?
    let schedulesLimit: Int?
    let seconds: Double
    let settings: ScheduleRun.Settings
    /// The CPU every controlled thread runs on, if pinned.
    let pinnedCPU: Int?

    var exploration: ExplorationOptions { options.exploration }
    var variant: Canary? { options.variant }

    /// Thread counts when `--threads` is not given: dfs explores the smallest pools, the
    /// others draw 2 to 4 threads.
    static func defaultThreadCounts(_ strategy: ExplorationOptions.Strategy) -> [Int] {
        strategy == .dfs ? [2] : [2, 3, 4]
    }

    /// The fault rate when `--faults` is not given: one job in ten carries a fault.
    static let defaultFaultRate = 0.1

    init(options: StressOptions, arguments: Set<String>) throws(StressUsageError) {
        self.options = options
        let exploration = options.exploration
        var system = SystemRandomNumberGenerator()
        seed = options.seed ?? system.next()
        let requested = options.threadCounts ?? Self.defaultThreadCounts(exploration.strategy)
        threadCounts = requested.filter { $0 >= 2 && $0 <= ScheduleRunLimits.maximumThreads }
        if threadCounts.isEmpty {
            throw StressUsageError("--explore needs thread counts from 2 to \(ScheduleRunLimits.maximumThreads) (a pool of 1 runs no worker); --threads gave \(requested)")
        }
        let schedulers = StressPlan.schedulers(for: options.variant, requested: options.schedulers)
        let reducers = StressPlan.reducers(for: options.variant, requested: options.reducers)
        let faultRate = arguments.contains("--faults") ? options.faultRate : Self.defaultFaultRate
        let jobs = exploration.jobs.map { $0...$0 } ?? 1...3
        scenarios = ExplorationScenarios(seed: seed, threadCounts: threadCounts, schedulers: schedulers,
                                         reducers: reducers, faultRate: faultRate, jobCounts: jobs)
        if let text = exploration.scenario {
            if let index = Int(text), index >= 0 {
                fixedEpisode = scenarios.episode(index)
            } else {
                let episode = try ScenarioText.parse(text)
                // A canary replaces one block: the scenario must use that block.
                if let variant = options.variant,
                   !StressPlan.schedulers(for: variant, requested: [episode.scheduler]).contains(episode.scheduler)
                    || !StressPlan.reducers(for: variant, requested: [episode.reducer]).contains(episode.reducer) {
                    throw StressUsageError("--variant \(variant.rawValue) replaces \(variant.block.rawValue); --scenario '\(text)' uses \(episode.scheduler.rawValue)+\(episode.reducer.rawValue)")
                }
                fixedEpisode = episode
            }
        } else {
            fixedEpisode = nil
        }
        if let text = exploration.replay {
            let scheduleText = try Self.scheduleText(text)
            guard let schedule = Schedule(text: scheduleText) else {
                throw StressUsageError("--replay needs a schedule like 3b12a1C (gap to the next non-default decision, then its thread as a letter; - for none), not '\(scheduleText.prefix(80))'")
            }
            replaySchedule = schedule
        } else {
            replaySchedule = nil
        }
        schedulesLimit = exploration.schedules
        seconds = options.seconds
        settings = ScheduleRun.Settings(spuriousWakeBudget: exploration.effectiveSpuriousWakes,
                                        stepsPerProgress: exploration.maxSteps, tracing: false,
                                        memoryModel: exploration.memoryModel)
        // The CPU the kernel started this process on: it places a new process on an idle
        // CPU, so that explorations started side by side do not share one.
        let cpus = CPUAffinity.allowedCPUs()
        pinnedCPU = exploration.pin ? Self.currentCPU().flatMap { cpus.contains($0) ? $0 : nil } ?? cpus[0] : nil
    }

    /// The CPU the calling thread last ran on: field 39 of /proc/self/stat (Glibc's
    /// `sched_getcpu` is not visible to Swift).
    static func currentCPU() -> Int? {
        guard let stat = FileAccess.readText("/proc/self/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // Fields from the third (state) on follow the command name's closing parenthesis.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 36 ? Int(fields[36]) : nil
    }

    /// `--replay @FILE` reads the schedule from FILE.
    static func scheduleText(_ argument: String) throws(StressUsageError) -> String {
        guard argument.hasPrefix("@") else { return argument }
        let path = String(argument.dropFirst())
        guard let text = FileAccess.readText(path) else {
            throw StressUsageError("--replay \(argument): cannot read \(path)")
        }
        return String(text.filter { !$0.isWhitespace })
    }

    /// The command that replays `schedule` on the scenario `scenarioText` exactly.
    func replayCommand(_ scenarioText: String, _ schedule: Schedule) -> String {
        var flags = [ExploreCommand.buildCommand, "--explore"]
        if let variant { flags += ["--variant", variant.rawValue] }
        flags += ["--scenario", scenarioText, "--replay", scheduleArgument(schedule)]
        if exploration.maxSteps != ExplorationOptions().maxSteps { flags += ["--max-steps", "\(exploration.maxSteps)"] }
        if exploration.memoryModel != ExplorationOptions().memoryModel { flags += ["--memory-model", exploration.memoryModel.rawValue] }
        return flags.joined(separator: " ")
    }

    /// A schedule as a command-line argument: its text, or `@FILE` for a long one (written
    /// next to the JSON report, or in the current directory).
    func scheduleArgument(_ schedule: Schedule) -> String {
        let text = schedule.text
        if text.count <= 400 { return text }
        let folder = options.jsonPath.map(FileAccess.parentFolder(of:)) ?? "."
        var digest = ScheduleDigest()
        digest.mix(text)
        let path = "\(folder)/stress-explore-\(seed)-\(hex(digest.value)).schedule"
        do {
            try FileAccess.writeAtomically(Array((text + "\n").utf8), to: path)
            return "@" + path
        } catch {
            return text
        }
    }

    /// Pins the calling thread, and so every thread it creates from now on, to `pinnedCPU`:
    /// with one runnable thread at a time, a hand-off on one CPU is a direct context switch.
    func pinCallingThread() {
        guard let cpu = pinnedCPU else { return }
        // A refused pin (a CPU set changed under us) only costs speed.
        try? CPUAffinity.pinCurrentThread(to: cpu)
    }
}
#endif
