#if Exploration
import Canaries
import Pool
import PoolSupport
@testable import StressKit
import Synchronization
import Testing

/// What the exploration suites share: an explorer for the stress scenarios or for a custom
/// body, the hooks a custom body uses to create its threads, and one lock so that only one
/// exploration runs at a time in the test process (the suites are `.serialized`, but Swift
/// Testing runs suites side by side).
enum ExplorationHarness {
    static let lock = Mutex(())

    /// An explorer whose violations become findings; a run that outlives `backstop` seconds
    /// of wall-clock time ends the test process (a hang must never pass silently).
    static func explorer(variant: Canary? = nil, spuriousWakes: Int = 1, maxSteps: Int = 10_000,
                         memoryModel: MemoryModelKind = .c11) -> Explorer {
        TrapCatcher.install()
        var options = StressOptions()
        options.variant = variant
        let context = RunContext.exploring(options: options, seed: 1, findingInterceptor: Explorer.interceptor)
        let settings = ScheduleRun.Settings(spuriousWakeBudget: spuriousWakes, stepsPerProgress: maxSteps, tracing: false,
                                            memoryModel: memoryModel)
        return Explorer(context: context, settings: settings, backstopSeconds: 60, onBackstop: { run, label in
            preconditionFailure("exploration backstop in a test: \(label) did not end in 60 s; \(run.describeAll())")
        })
    }

    /// The `stress --explore` command line `arguments`, parsed and resolved.
    static func setup(_ arguments: [String]) throws -> ExplorationSetup {
        let options = try StressOptions.parse(["--explore"] + arguments)
        return try ExplorationSetup(options: options, arguments: Set(arguments))
    }

    /// Every schedule of `body` with at most `bound` preemptions and `staleReads` stale reads
    /// under `memoryModel`: how many, and how many failed.
    static func countSchedules(bound: Int, spuriousWakes: Int = 0, limit: Int = 100_000, staleReads: Int = 1,
                               memoryModel: MemoryModelKind = .c11,
                               _ body: @escaping @Sendable () -> Void) -> (schedules: Int, findings: [ExplorationFinding]) {
        let explorer = explorer(spuriousWakes: spuriousWakes, memoryModel: memoryModel)
        let dfs = DFSStrategy(preemptionBound: bound, staleReadBound: staleReads)
        var findings: [ExplorationFinding] = []
        var schedules = 0
        while schedules < limit && dfs.beginSchedule(threads: 2) {
            let result = explorer.run(body: body, label: "custom", strategy: dfs)
            schedules += 1
            if let finding = result.finding { findings.append(finding) }
        }
        #expect(dfs.nondeterminism == nil)
        #expect(dfs.exhausted, "the search ran out of its \(limit) schedules before the bound was exhausted")
        return (schedules, findings)
    }
}

/// Thread `index` of a custom body, created through the same hooks as a pool's worker.
struct ControlledThread: ~Copyable {
    let index: Int
    let thread: NamedThread

    init(_ index: Int, _ body: @escaping @Sendable () -> Void) {
        let controller = Exploration.activeController!
        controller.workerWillSpawn(thread: index)
        thread = NamedThread.startOrDie(name: "explore-toy-\(index)") {
            controller.workerDidStart(thread: index)
            body()
            controller.workerWillExit(thread: index)
        }
        controller.workerDidSpawn(thread: index)
        self.index = index
    }

    consuming func join() {
        Exploration.activeController!.willJoin(worker: index)
        thread.join()
    }
}

/// Two padded words for custom bodies, freed by the test when every schedule is done.
struct Words: @unchecked Sendable {
    let first = PaddedAtomic<UInt32>(0, label: "x")
    let second = PaddedAtomic<UInt32>(0, label: "y")

    func reset() {
        first.pointer.pointee.store(0, ordering: .relaxed)
        second.pointer.pointee.store(0, ordering: .relaxed)
    }

    func deallocate() {
        first.deallocate()
        second.deallocate()
    }
}
#endif
