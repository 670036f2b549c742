import CPoolSupport
import Glibc
import Pool
import PoolSupport
@testable import StressKit
import Synchronization
import Testing

/// The kernel's view of a thread, which keeps the watchdog from calling a runnable thread
/// parked: parsed from /proc as the kernel writes it, read live for a running and a sleeping
/// thread, and the starvation rule over two snapshots.
@Suite("Kernel thread state")
struct KernelThreadStateTests {
    @Test("stat and schedstat parse, with a thread name that holds spaces and parentheses")
    func parse() {
        let fields = (4...52).map(String.init).joined(separator: " ")
        let stat = "4242 (pool (worker) 1) R \(fields)\n"
        let state = KernelThreadState.parse(stat: stat, schedstat: "123456 789 10\n")
        // Field 39 (processor) is the 37th after the name: 4 + 36 - 1 = 39.
        #expect(state == KernelThreadState(state: "R", processor: 39, runNanoseconds: 123_456, runQueueWaitNanoseconds: 789))
        #expect(KernelThreadState.parse(stat: "4242 (x) S 1 2", schedstat: "1 2 3") == nil)
        #expect(KernelThreadState.parse(stat: stat, schedstat: "") == nil)
    }

    @Test("This thread is runnable; a thread blocked in the kernel sleeps")
    func liveStates() throws {
        let running = try #require(KernelThreadState.read(tid: cpool_gettid()))
        #expect(running.isRunnable)
        let tid = Atomic<Int32>(0)
        // The thread blocks in a read of an empty pipe, which the kernel shows as sleeping;
        // a byte written to the pipe releases it.
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        let thread = try NamedThread(name: "kernel-state-test") {
            // relaxed: the test polls it; the read below is what the thread blocks in.
            tid.store(cpool_gettid(), ordering: .relaxed)
            var byte: UInt8 = 0
            _ = read(readEnd, &byte, 1)
        }
        defer {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
            #expect(thread.join(timeoutNanoseconds: 10_000_000_000))
            close(readEnd)
            close(writeEnd)
        }
        var sleeping: KernelThreadState?
        let deadline = MonotonicClock.nanoseconds() + 10_000_000_000
        while MonotonicClock.nanoseconds() < deadline {
            sleeping = KernelThreadState.read(tid: tid.load(ordering: .relaxed))
            if sleeping?.state == "S" { break }
            usleep(1000)
        }
        #expect(sleeping?.state == "S", "the blocked thread never showed as sleeping: \(String(describing: sleeping))")
        #expect(sleeping?.isRunnable == false)
    }

    @Test("Starved: runnable in both snapshots with no run time between them; anything else is not")
    func starvation() {
        let runnable = KernelThreadState(state: "R", processor: 1, runNanoseconds: 500, runQueueWaitNanoseconds: 1_000)
        var ranMeanwhile = runnable
        ranMeanwhile.runNanoseconds += 1
        var waitedLonger = runnable
        waitedLonger.runQueueWaitNanoseconds += 2_000_000_000
        let asleep = KernelThreadState(state: "S", processor: 0, runNanoseconds: 500, runQueueWaitNanoseconds: 1_000)
        let lines = Watchdog.starvation(before: [runnable, runnable, asleep, nil], after: [waitedLonger, ranMeanwhile, asleep, runnable])
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("STARVED: thread 0 was runnable throughout the rescue window") == true)
        #expect(lines.first?.contains("2.000 s") == true, "\(lines)")
    }
}
