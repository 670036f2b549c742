import Glibc
import Pool

// Entry point only: the work lives in other files, because top-level code here is
// @MainActor and closures written here would trap on other threads (docs/PLATFORM.md,
// "main.swift is @MainActor").
let options: BenchOptions
do {
    guard let parsed = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
        print(BenchOptions.usage)
        exit(0)
    }
    options = parsed
} catch {
    StandardError.write("bench: \(error)\n\(BenchOptions.usage)\n")
    exit(64)
}
if options.checkArguments { exit(0) }
do {
    switch options.mode {
    case .compare:
        var command = CompareCommand(options: options)
        try command.run()
    case .probeCost:
        var command = CompareCommand(options: options)
        try command.run(probeCostOnly: true)
    case .spinSweep:
        try SpinSweep(options: options).run()
    case .explorationRate:
        ExplorationRate(options: options).run()
    case .stressThroughput:
        print("bench: \(Machine.description); load average at start: \(Machine.loadAverage)")
        let binary = options.stressBinary ?? StressThroughput.defaultBinary
        print(StressThroughput.section(StressThroughput.measure(binary: binary, runs: options.stressRuns), runs: options.stressRuns))
        print("load average at end: \(Machine.loadAverage) (other processes on this machine add noise)")
    case .neighbourSpin:
        try NeighbourSpin(options: options).run()
    }
} catch {
    StandardError.write("bench: \(error)\n")
    exit(1)
}
