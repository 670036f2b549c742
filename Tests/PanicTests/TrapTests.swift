import CPoolSupport
import Glibc
import Pool
import TestSupport
import Testing

/// Builds a pool whose share traps on `thread`, and runs a job: the process must die.
func runJobWithTrappingShare(_ kind: SchedulerChoice, threadCount: Int, trappingThread: Int) {
    func run<Scheduler: JobScheduler>(_ type: Scheduler.Type) {
        let work = ClosureWork { share in
            if share.thread == trappingThread { fatalError("deliberate trap in the share of thread \(share.thread)") }
            return CountingWork.count(to: share.count)
        }
        guard var pool = try? ThreadPool(configuration: PoolConfiguration(threadCount: threadCount), scheduler: Scheduler.self, work: work)
        else { exit(3) }
        for _ in 0..<100 { _ = try? pool.run(target: 1000) }
        // Reaching this line means the trap did not end the process.
        exit(0)
    }
    run(kind.type)
}

/// Blocks forever without using CPU: a futex wait on a word nobody changes.
func blockForever() -> Never {
    let word = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    word.initialize(to: 0)
    var error: Int32 = 0
    while true { _ = cpool_futex_wait(word, 0, &error) }
}

extension PanicTests {
    @Suite("Traps end the process instead of hanging")
    struct TrapTests {
        @Test("A fatalError in a share ends the process with a failure",
              arguments: SchedulerChoice.allCases, [0, 1, 3])
        func fatalErrorInShare(kind: SchedulerChoice, thread: Int) async {
            let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus]) { [kind, thread] in
                HangGuard.arm(seconds: 20)
                runJobWithTrappingShare(kind, threadCount: 4, trappingThread: thread)
            }
            // SIGALRM would mean the process hung until the guard killed it.
            #expect(result?.exitStatus != .signal(SIGALRM), "the trap hung the pool instead of ending the process")
            #expect(result?.exitStatus != .exitCode(3), "the pool could not be built")
        }

        @Test("The hang guard turns a hang into a failure (its broken variant: a share that never returns)")
        func hangGuardFires() async {
            await #expect(processExitsWith: .signal(SIGALRM)) {
                HangGuard.arm(seconds: 1, scaled: false)
                let work = ClosureWork { share in
                    if share.thread == 1 { blockForever() }
                    return share.count
                }
                var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: 2), scheduler: FutexScheduler.self, work: work)
                _ = try pool.run(target: 10)
            }
        }
    }
}
