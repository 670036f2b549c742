import Glibc
import StressKit
import Testing

/// The driver's verdicts end the process with their exit codes: a clean short run passes,
/// and canaries are caught (each detector proves it can fire). Each case runs in a child
/// process that arms `alarm` first, so nothing can hang.
/// The canary cases do not run under ThreadSanitizer (`CanaryChild`).
@Suite("Driver exit codes", .serialized)
struct DriverExitTests {
    @Test("A short run of the real pool exits 0")
    func shortRunPasses() async {
        await #expect(processExitsWith: .success) {
            alarm(120)
            exit(StressDriver.main(arguments: ["--seconds", "1", "--seed", "3", "--threads", "1-3", "--quiet"]))
        }
    }

    @Test("Invariant canaries exit 1", .runsCanary, arguments: ["late-unlock", "double-claim"])
    func invariantCanary(_ variant: String) async {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) { [variant] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--variant", variant, "--seconds", "60", "--threads", "3,4", "--noise", "3", "--quiet"]))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("VIOLATION (invariant)"))
        #expect(standardError.contains("replay: stress --seed "))
        #expect(standardError.contains("--variant \(variant) --from-episode "))
    }

    @Test("Stall canaries exit 2 through the watchdog", .runsCanary, arguments: ["lost-wakeup", "no-stop-on-failure"])
    func stallCanary(_ variant: String) async {
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) { [variant] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--variant", variant, "--seconds", "60", "--threads", "2,3,4", "--faults", "0.3",
                                               "--noise", "3", "--watchdog", "2", "--quiet"]))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("STALL ("))
        #expect(standardError.contains("--- dump of every pool ---"))
        #expect(standardError.contains("rescue: one spurious wake-all"))
    }

    /// `unmarked-stop` sets the stop bit but not the copy that `isStopped` reads: depending on
    /// which thread fails first, the driver's invariant sees a refused job on a pool that does
    /// not say it is stopped (exit 1), or the caller waits for a failed worker's slot and the
    /// watchdog names the cause (exit 2). Either way the canary's own symptom, never a plain
    /// stall.
    @Test("A stop that isStopped does not show is named: the invariant, or the watchdog's STOP NOT SEEN", .runsCanary)
    func unseenStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) {
            alarm(120)
            exit(StressDriver.main(arguments: ["--variant", "unmarked-stop", "--seconds", "60", "--threads", "2,3,4", "--faults", "0.3",
                                               "--noise", "1", "--watchdog", "2", "--quiet"]))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        let invariant = standardError.contains("VIOLATION (invariant)") && standardError.contains("does not say it is stopped")
        let stopNotSeen = standardError.contains("STALL (") && standardError.contains("STOP NOT SEEN: the scheduler's word holds stop")
        #expect(result?.exitStatus == .exitCode(invariant ? 1 : 2))
        #expect(invariant || stopNotSeen, "neither symptom named: \(standardError.suffix(2000))")
        #expect(standardError.contains("--variant unmarked-stop --from-episode "))
    }

    @Test("A pool that never joins its workers exits 1 with the verdict resource leak, well within 60 s", .runsCanary)
    func neverJoiningPool() async {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) {
            alarm(60)
            exit(StressDriver.main(arguments: ["--variant", "never-joins", "--seconds", "60", "--seed", "9", "--threads", "2,3,4",
                                               "--faults", "0", "--noise", "0", "--quiet"]))
        }
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains("VIOLATION (resource leak)"))
        #expect(standardError.contains("memory mappings (bound "))
        #expect(standardError.contains("--variant never-joins --from-episode "))
    }
}
