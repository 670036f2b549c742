import Glibc
import Pool
import TestSupport
import Testing

extension PanicTests {
    @Suite("Misuse gets a clear error")
    struct MisuseTests {
        static let badThreadCounts = [0, -1, -64, ThreadPoolLimits.maximumThreads + 1, Int.max, Int.min]

        @Test("A thread count outside 1 ... maximumThreads throws invalidThreadCount",
              arguments: SchedulerChoice.allCases, badThreadCounts)
        func invalidThreadCount(kind: SchedulerChoice, threadCount: Int) {
            func build<Scheduler: JobScheduler>(_ type: Scheduler.Type) -> PoolError? {
                do {
                    _ = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount),
                                       scheduler: Scheduler.self, work: CountingWork())
                    return nil
                } catch {
                    return error
                }
            }
            let error = build(kind.type)
            guard case .invalidThreadCount(let requested, let maximum) = error else {
                Issue.record("expected invalidThreadCount, got \(String(describing: error))")
                return
            }
            #expect(requested == threadCount)
            #expect(maximum == ThreadPoolLimits.maximumThreads)
            #expect(error?.description.contains("\(threadCount)") == true, "the message names the bad count")
        }

        @Test("Share.of with a thread outside 0 ..< threadCount fails its precondition",
              arguments: [(-1, 3), (3, 3), (7, 3), (0, 0), (0, -2)])
        func badShareIndex(thread: Int, threadCount: Int) async {
            let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) { [thread, threadCount] in
                HangGuard.arm(seconds: 10)
                _ = Share.of(thread: thread, threadCount: threadCount, target: 100)
            }
            #expect(result?.exitStatus != .signal(SIGALRM))
            let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
            #expect(message.contains("Share.of"), "the precondition says what was wrong: \(message)")
        }

        @Test("A spin policy with negative or zero limits fails its precondition",
              arguments: [(-1, 1, 0), (0, 0, 0), (0, 1, -1)])
        func badSpinPolicy(busyChecks: Int, backoffCap: Int, yieldMicroseconds: Int) async {
            let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) {
                [busyChecks, backoffCap, yieldMicroseconds] in
                HangGuard.arm(seconds: 10)
                _ = SpinPolicy(busyChecks: busyChecks, backoffCap: backoffCap, yieldPhase: .microseconds(yieldMicroseconds))
            }
            #expect(result?.exitStatus != .signal(SIGALRM))
            let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
            #expect(message.contains("SpinPolicy"), "the precondition says what was wrong: \(message)")
        }

        @Test("A scheduler built for no threads, or too many, fails its precondition",
              arguments: SchedulerChoice.allCases, [0, ThreadPoolLimits.maximumThreads + 1])
        func badSchedulerSize(kind: SchedulerChoice, threadCount: Int) async {
            let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) { [kind, threadCount] in
                HangGuard.arm(seconds: 10)
                _ = kind.type.init(threadCount: threadCount, spinPolicy: .default)
            }
            #expect(result?.exitStatus != .signal(SIGALRM))
            let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
            #expect(message.contains("Scheduler needs"), "the precondition says what was wrong: \(message)")
        }

        @Test("Starting a futex job while the previous one is unclaimed fails its precondition")
        func overlappingStart() async {
            let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) {
                HangGuard.arm(seconds: 10)
                let scheduler = FutexScheduler(threadCount: 2, spinPolicy: .default)
                try scheduler.start(target: 1, probe: NoProbe())
                try scheduler.start(target: 2, probe: NoProbe())
            }
            #expect(result?.exitStatus != .signal(SIGALRM))
            let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
            #expect(message.contains("unclaimed"), "the precondition says what was wrong: \(message)")
        }

        @Test("After shutdown, every job throws .stopped; shutdown is idempotent", arguments: SchedulerChoice.allCases, [1, 3])
        func runAfterShutdown(kind: SchedulerChoice, threadCount: Int) throws {
            func check<Scheduler: JobScheduler>(_ type: Scheduler.Type) throws {
                var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threadCount),
                                          scheduler: Scheduler.self, work: CountingWork())
                #expect(try pool.run(target: 100) == 100)
                try pool.shutdown()
                try pool.shutdown()
                let stopped = pool.isStopped
                #expect(stopped)
                for target: UInt64 in [0, 1, 100] {
                    do {
                        let value = try pool.run(target: target)
                        Issue.record("target \(target): a shut-down pool returned \(value)")
                    } catch {
                        guard case .stopped = error else {
                            Issue.record("target \(target): expected .stopped, got \(error)")
                            continue
                        }
                    }
                }
            }
            try withWatchdog(seconds: 30, "run after shutdown") { try check(kind.type) }
        }
    }
}
