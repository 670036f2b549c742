import CPoolSupport
import Pool

/// `bench --spin-sweep`: measures SpinPolicy candidates for the standard pool (2 threads,
/// `CountingPool`), to choose `SpinPolicy.default` from numbers instead of copying them.
///
/// For each policy, interleaved over repetitions like the main run:
/// - jobs back to back at N = 1 and N = 2^12 (workers stay hot);
/// - jobs at N = 1 separated by 20 µs and by 200 µs of caller work (does the worker still
///   spin when the next job comes, and what does spinning through the gap cost?);
/// - jobs at N = 1 with the caller pinned to the worker's CPU (oversubscribed: every spin
///   of one thread delays the other until it yields);
/// then the spin tail (last job to parked), the CPU burnt in it, and the idle CPU after it.
struct SpinSweep {
    let options: BenchOptions

    struct Scenario {
        var name: String
        var target: UInt64
        var gapNanoseconds: UInt64
        var sharedCPU: Bool
    }

    static let scenarios = [
        Scenario(name: "N=1", target: 1, gapNanoseconds: 0, sharedCPU: false),
        Scenario(name: "N=2^12", target: 1 << 12, gapNanoseconds: 0, sharedCPU: false),
        Scenario(name: "N=1 gap 20µs", target: 1, gapNanoseconds: 20_000, sharedCPU: false),
        Scenario(name: "N=1 gap 200µs", target: 1, gapNanoseconds: 200_000, sharedCPU: false),
        Scenario(name: "N=1 shared CPU", target: 1, gapNanoseconds: 0, sharedCPU: true),
    ]

    /// One parameter at a time around a middle point (128 checks, cap 1, 100 µs), plus the
    /// extremes, the current default and the old one. Here a pause hint takes ~50 ns (Zen 5 under KVM), so
    /// the backoff cap is also the polling interval in units of ~50 ns.
    static var policies: [SpinPolicy] {
        var list: [SpinPolicy] = [.default, previousDefault]
        for busyChecks in [0, 32, 128, 512, 2048] {
            list.append(SpinPolicy(busyChecks: busyChecks, backoffCap: 1, yieldPhase: .microseconds(100)))
        }
        for backoffCap in [2, 4, 8] {
            list.append(SpinPolicy(busyChecks: 128, backoffCap: backoffCap, yieldPhase: .microseconds(100)))
        }
        for yieldMicroseconds in [0, 20, 250, 1_000] {
            list.append(SpinPolicy(busyChecks: 128, backoffCap: 1, yieldPhase: .microseconds(yieldMicroseconds)))
        }
        var unique: [SpinPolicy] = []
        for policy in list where !unique.contains(policy) { unique.append(policy) }
        return unique
    }

    /// The default before this sweep chose the current one (the book's shape, larger).
    static let previousDefault = SpinPolicy(busyChecks: 1024, backoffCap: 8, yieldPhase: .microseconds(100))

    static func label(_ policy: SpinPolicy) -> String {
        "\(policy.busyChecks)/\(policy.backoffCap)/\(policy.yieldPhaseNanoseconds / 1000)µs"
            + (policy == .default ? " (default)" : policy == previousDefault ? " (old default)" : "")
    }

    /// Nanoseconds one CPU pause hint takes here: what turns busyChecks into time.
    static func pauseNanoseconds() -> Double {
        let count = 200_000
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<count { cpool_cpu_relax() }
        return Double(MonotonicClock.nanoseconds() &- start) / Double(count)
    }

    func run() throws(BenchFailure) {
        let threads = options.resolvedThreadCounts.first ?? 2
        let repetitions = options.repetitions ?? (options.quick ? 5 : 11)
        let pause = Self.pauseNanoseconds()
        print("bench --spin-sweep: \(Machine.description)")
        print("standard pool (CountingPool), \(threads) threads, \(repetitions) interleaved samples per policy and scenario; one pause hint = \(format(pause, digits: 1)) ns")
        print("policy = busyChecks/backoffCap/yieldPhase; busy phase at most ≈ busyChecks × backoffCap pauses; load average at start: \(Machine.loadAverage)")
        let policies = Self.policies
        var pools: [[StandardPoolVariant]] = []
        // samples[policy][scenario]: ns per job; gapBurn[policy]: process CPU / wall in the 200 µs-gap scenario.
        var samples = Array(repeating: Array(repeating: [Double](), count: Self.scenarios.count), count: policies.count)
        var gapBurn = Array(repeating: [Double](), count: policies.count)
        for repetition in 0..<repetitions {
            // Fresh pools every repetition: where the kernel places a pool's worker (and how
            // the host maps that vCPU) shifts one pool's N=1 cost by up to ~1 µs, and even its
            // 20 µs-gap cost tenfold, for the pool's whole life. New pools per sample spread
            // that luck over all policies instead of pinning it on one.
            pools = []
            pools = Self.makePools(policies: policies, threads: threads)
            for step in 0..<policies.count {
                let index = (step + repetition) % policies.count
                for (scenarioIndex, scenario) in Self.scenarios.enumerated() {
                    let pool = pools[index][scenarioIndex]
                    let jobs = scenario.gapNanoseconds > 0 ? 200 : (scenario.sharedCPU ? 100 : 2_000)
                    let cpuBefore = cpool_process_cpu_time_ns()
                    let wallBefore = MonotonicClock.nanoseconds()
                    let elapsed = pool.measure(target: scenario.target, warmupJobs: 4, jobs: jobs, gapNanoseconds: scenario.gapNanoseconds)
                    let wall = Double(MonotonicClock.nanoseconds() &- wallBefore)
                    let cpu = Double(cpool_process_cpu_time_ns() - cpuBefore)
                    samples[index][scenarioIndex].append(Double(elapsed) / Double(jobs))
                    if scenario.gapNanoseconds == 200_000 {
                        // The caller is busy the whole time (about 100 %); a worker that spins
                        // through the gaps adds up to another 100 %, a parked one nothing.
                        gapBurn[index].append(cpu / wall * 100)
                    }
                    pool.quiesce()
                }
            }
            StandardError.write("bench: spin sweep repetition \(repetition + 1)/\(repetitions) done\n")
        }
        var table = TextTable(title: "Spin-policy sweep: median time per job [IQR] per scenario",
                              headers: ["policy"] + Self.scenarios.map(\.name) + ["CPU gap200", "spin tail", "tail CPU", "idle"])
        for (index, policy) in policies.enumerated() {
            var row = [Self.label(policy)]
            for scenarioIndex in Self.scenarios.indices {
                let summary = Summary(samples[index][scenarioIndex])
                row.append("\(formatDuration(nanoseconds: summary.median)) [\(formatDuration(nanoseconds: summary.interquartileRange))]")
            }
            row.append(format(Summary(gapBurn[index]).median, digits: 0) + " %")
            let tail = measureTail(pools[index][0], others: pools.flatMap { $0 })
            row.append(tail.tail.map { formatDuration(nanoseconds: Double($0)) } ?? "> 2 s")
            row.append(formatDuration(nanoseconds: tail.cpu))
            row.append(format(tail.idlePercent, digits: 2) + " %")
            table.rows.append(row)
        }
        print(table.text())
        print("load average at end: \(Machine.loadAverage)")
        print("columns: median time per job [IQR]; CPU gap200: process CPU over wall time in the 200 µs-gap scenario, % of one CPU")
        print("(caller ~100 % + a worker spinning through the gaps up to 100 %; less when other processes take the CPUs);")
        print("spin tail: last of 1000 jobs to worker parked; tail CPU: process CPU in that tail; idle: process CPU over 0.2 s after parking")
        let written = try FileText.write(table.markdown() + "\n", named: "spin-sweep.md", in: options.outputDirectory)
        print("wrote \(written)")
    }

    static func makePools(policies: [SpinPolicy], threads: Int) -> [[StandardPoolVariant]] {
        policies.map { policy in
            scenarios.map { scenario in
                do {
                    return try StandardPoolVariant(
                        threadCount: threads, pinned: scenario.sharedCPU, probe: NoProbe(), spinPolicy: policy,
                        label: label(policy), sharedCPU: scenario.sharedCPU,
                        make: { configuration throws(PoolError) in try CountingPool(configuration: configuration) })
                } catch {
                    fatalError("bench: cannot build a pool for \(policy): \(error)")
                }
            }
        }
    }

    private func measureTail(_ pool: StandardPoolVariant, others: [any JobVariant]) -> (tail: UInt64?, cpu: Double, idlePercent: Double) {
        for other in others { other.quiesce() }
        _ = pool.measure(target: 1, warmupJobs: 0, jobs: 1_000)
        let cpuBefore = cpool_process_cpu_time_ns()
        let tail = pool.waitUntilParked(limitNanoseconds: 2_000_000_000)
        let cpuAtPark = cpool_process_cpu_time_ns()
        let wallAtPark = MonotonicClock.nanoseconds()
        sleepIdle(seconds: 0.2)
        let idle = Double(cpool_process_cpu_time_ns() - cpuAtPark) / Double(MonotonicClock.nanoseconds() &- wallAtPark) * 100
        return (tail, Double(cpuAtPark - cpuBefore), idle)
    }
}
