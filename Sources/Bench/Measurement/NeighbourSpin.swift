import CPoolSupport
import Glibc
import Pool
import PoolSupport
import Synchronization

/// `bench --neighbour-spin`: what a thread that spins without end, in the same process, does
/// to a hand-off, and why (docs/BENCH.md, "A neighbour that spins").
///
/// For each variant (the floor, the standard pool unpinned and pinned, the standard pool with
/// a spin policy that yields at once, the book's futex + spin-lock pool) and each scenario
/// (alone; next to one unpinned spinning thread; next to one spinning thread pinned to the
/// CPU the pinned pool gives its worker), interleaved over repetitions: jobs at N = 1 back to
/// back for about `sampleNanoseconds`, the time per job, and the context switches per job of
/// the whole process (`getrusage`): a hand-off that goes through the kernel's scheduler shows
/// up as a switch per job. The neighbour exists only during its scenario's samples.
struct NeighbourSpin {
    let options: BenchOptions

    enum Scenario: CaseIterable {
        case alone
        case neighbour
        case neighbourOnWorkerCPU

        var name: String {
            switch self {
            case .alone: "alone"
            case .neighbour: "+ spinner"
            case .neighbourOnWorkerCPU: "+ spinner on CPU 1"
            }
        }
    }

    /// Yields at once instead of spinning: the policy a crowded machine wants.
    static let yieldingPolicy = SpinPolicy(busyChecks: 0, backoffCap: 1, yieldPhase: .microseconds(250))

    static func makeVariants(threads: Int) throws(PoolError) -> [any ParkingOrFloorVariant] {
        [
            FloorVariant(threadCount: threads),
            try StandardPoolVariant(threadCount: threads, pinned: false, probe: NoProbe(), label: "countingpool/\(threads)"),
            try StandardPoolVariant(threadCount: threads, pinned: true, probe: NoProbe(), label: "countingpool/\(threads)/pin"),
            try StandardPoolVariant(threadCount: threads, pinned: false, probe: NoProbe(), spinPolicy: yieldingPolicy,
                                    label: "countingpool/\(threads)/yield-at-once"),
            try PoolVariant<FutexScheduler, SpinLockReducer, NoProbe>(threadCount: threads, pinned: false, probe: NoProbe()),
        ]
    }

    func run() throws(BenchFailure) {
        let threads = 2
        let repetitions = options.repetitions ?? (options.quick ? 5 : 11)
        let sample = options.effectiveSampleNanoseconds
        let cpus = CPUAffinity.allowedCPUs()
        print("bench --neighbour-spin: \(Machine.description)")
        print("N = 1, \(threads) threads, \(repetitions) interleaved samples of ~\(sample / 1000) µs per variant and scenario; load average at start: \(Machine.loadAverage)")
        let variants: [any ParkingOrFloorVariant]
        do {
            variants = try Self.makeVariants(threads: threads)
        } catch {
            fatalError("bench: cannot build the pools: \(error)")
        }
        let scenarios = Scenario.allCases
        // [variant][scenario]: ns per job, and process context switches per job.
        var times = Array(repeating: Array(repeating: [Double](), count: scenarios.count), count: variants.count)
        var switches = times
        let cells = variants.indices.flatMap { variant in scenarios.indices.map { (variant, $0) } }
        for repetition in 0..<repetitions {
            for step in cells.indices {
                let (index, scenarioIndex) = cells[(step + repetition) % cells.count]
                let scenario = scenarios[scenarioIndex]
                let neighbour = scenario == .alone ? nil
                    : SpinningNeighbour(cpu: scenario == .neighbourOnWorkerCPU ? cpus[1 % cpus.count] : nil)
                let (perJob, switchesPerJob) = Self.sample(variants[index], nanoseconds: sample)
                neighbour?.stop()
                variants[index].quiesce()
                times[index][scenarioIndex].append(perJob)
                switches[index][scenarioIndex].append(switchesPerJob)
            }
            StandardError.write("bench: neighbour-spin repetition \(repetition + 1)/\(repetitions) done\n")
        }
        var table = TextTable(title: "Time per job at N = 1 [IQR], context switches per job, and samples in which the pool's threads shared a CPU",
                              headers: ["variant"] + scenarios.flatMap { [$0.name, "switches", "shared"] } + ["× alone (+ spinner)"])
        for (index, variant) in variants.enumerated() {
            var row = [variant.name]
            for scenarioIndex in scenarios.indices {
                let time = Summary(times[index][scenarioIndex])
                row.append("\(formatDuration(nanoseconds: time.median)) [\(formatDuration(nanoseconds: time.interquartileRange))]")
                row.append(format(Summary(switches[index][scenarioIndex]).median, digits: 2))
                let shared = switches[index][scenarioIndex].filter { $0 >= 1 }.count
                row.append("\(shared)/\(switches[index][scenarioIndex].count)")
            }
            let ratios = zip(times[index][1], times[index][0]).map { $0 / $1 }
            row.append(format(Summary(ratios).median, digits: 2) + "×")
            table.rows.append(row)
        }
        print(table.text())
        print("load average at end: \(Machine.loadAverage)")
        print("spinner: one thread of this process that spins on a pause loop and never yields, started before the sample and joined after it;")
        print("switches: voluntary + involuntary context switches of the whole process during the sample, per job (median);")
        print("shared: samples with at least one switch per job, i.e. every hand-off went through the kernel's scheduler")
        let written = try FileText.write(table.markdown() + "\n", named: "neighbour-spin.md", in: options.outputDirectory)
        print("wrote \(written)")
    }

    /// Jobs at N = 1 until about `nanoseconds` of them have run: time per job, switches per job.
    static func sample(_ variant: any JobVariant, nanoseconds: UInt64) -> (Double, Double) {
        var elapsed: UInt64 = 0
        var jobs = 0
        let switchesBefore = processContextSwitches()
        var warmup = 16
        while elapsed < nanoseconds && jobs < 1_000_000 {
            elapsed &+= variant.measure(target: 1, warmupJobs: warmup, jobs: 64)
            jobs += 64
            warmup = 0
        }
        let switchCount = processContextSwitches() - switchesBefore
        return (Double(elapsed) / Double(jobs), Double(switchCount) / Double(jobs))
    }

    static func processContextSwitches() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_nvcsw + usage.ru_nivcsw
    }
}

/// The variants this mode runs: pools (which it waits for to park between samples) and the
/// floor (whose threads end with each sample).
protocol ParkingOrFloorVariant: JobVariant {}
extension PoolVariant: ParkingOrFloorVariant {}
extension FloorVariant: ParkingOrFloorVariant {}

/// A thread of this process that spins until stopped: a pause loop, no yield, no syscall.
final class SpinningNeighbour: @unchecked Sendable {
    private let running = Atomic<Bool>(true)
    private var thread: NamedThread?

    /// Starts spinning, pinned to `cpu` if given.
    init(cpu: Int?) {
        thread = NamedThread.startOrDie(name: "bench-spinner") { [self] in
            if let cpu {
                do { try CPUAffinity.pinCurrentThread(to: cpu) } catch { fatalError("bench: cannot pin the spinner: \(error)") }
            }
            // relaxed: a flag that only ends the loop; the join orders everything else.
            while running.load(ordering: .relaxed) { cpool_cpu_relax() }
        }
    }

    func stop() {
        // relaxed: see the loop.
        running.store(false, ordering: .relaxed)
        thread?.join()
        thread = nil
    }
}
