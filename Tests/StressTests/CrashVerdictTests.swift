import Canaries
import Glibc
import PoolSupport
import StressKit
import Testing

/// What ends a run never loses what it found: a fatal signal in the driver is the verdict
/// `crash` (exit 5) with the signal, the thread, the episode, job and configuration, every
/// pool thread's last probe point and the replay line, in the text and in a complete JSON
/// report; SIGINT and SIGTERM stop the run promptly with the verdict `interrupted` (exit 130,
/// 143), the summary of what ran and its JSON.
///
/// Two ways in: the `stress` executable itself (supervisor and driver, as a user runs it),
/// and exit tests in which the driver runs in the child and the test plays the supervisor
/// over the same shared state, so that the report is built from exactly what a dying driver
/// leaves behind.
@Suite("Crashes and interrupts end with a report", .serialized)
struct CrashVerdictTests {
    /// The signal a Swift trap raises on this CPU.
    static var trapSignal: Int32 {
        #if arch(arm64)
        SIGTRAP
        #else
        SIGILL
        #endif
    }

    /// The signals sent to a caller thread. ThreadSanitizer handles SIGSEGV and SIGBUS itself
    /// (its deadly-signal report, exit 66), in a race with the driver's recorder that can
    /// leave the record half written (seen once in two TSan runs): under TSan only SIGABRT,
    /// which it leaves to the process. The plain build sends all three.
    static let callerSignals = CanaryChild.underThreadSanitizer ? [SIGABRT] : [SIGSEGV, SIGBUS, SIGABRT]

    /// The claim-on-wake canary with its self-test flags: it traps within seconds. A long
    /// watchdog, so that a loaded machine (or TSan) cannot turn the wait into a stall.
    static let trappingRun = ["--variant", Canary.claimOnWake.rawValue, "--seconds", "60", "--seed", "11", "--quiet"]
        + (Canary.claimOnWake.selfTestFlags ?? []) + ["--watchdog", "30"]

    static func binary() throws -> String {
        try #require(StressProcess.binary, "the stress executable is not beside the test bundle: build it (swift build) first")
    }

    /// Checks the crash report's common parts; returns its crash section.
    @discardableResult
    static func expectCrashReport(_ report: StressSummary, signal: Int32, variant: String?) throws -> CrashSection {
        #expect(report.knownVerdict == .crash && report.exitCode == StressExitCode.crash && report.violations == 1)
        let crash = try #require(report.crash)
        #expect(crash.signal == signal && crash.signalName == (signal == SIGILL ? "SIGILL" : crash.signalName))
        #expect(crash.callers.count == StressDriver.callerThreads)
        if let variant { #expect(report.replay?.contains("--variant \(variant) --from-episode \(report.episode ?? -1)") == true) }
        #expect(report.replay?.hasPrefix("stress --seed ") == true)
        #expect(report.episode != nil && report.jobIndex != nil)
        #expect(report.message.contains("--- state of every caller when the driver died ---"))
        return crash
    }

    @Test("A trap in a pool thread: the stress executable ends with verdict crash, exit 5, the replay line and a complete JSON report")
    func trapThroughTheExecutable() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let json = folder.path + "/report.json"
        let process = try #require(StressProcess.start(try Self.binary(), Self.trappingRun + ["--json", json], in: folder))
        let ending = process.wait(seconds: 120)
        #expect(ending == .exited(StressExitCode.crash), "\(ending); stderr: \(process.standardError.suffix(2000))")
        let report = try StressSummary.read(json)
        let crash = try Self.expectCrashReport(report, signal: Self.trapSignal, variant: Canary.claimOnWake.rawValue)
        // The canary's trap is in the real claim, on a worker.
        #expect(crash.thread?.hasPrefix("pool-worker-") == true, "thread: \(crash.thread ?? "-")")
        let caller = try #require(crash.caller)
        let state = try #require(crash.callers.first { $0.caller == caller })
        #expect(state.episode == report.episode && state.jobIndex == report.jobIndex)
        // The canary replaces the futex scheduler; the reducer is drawn (spinlock or slot).
        #expect(state.pool?.hasPrefix("claim-on-wake+") == true && state.pool?.contains(" futex+") == true, "pool: \(state.pool ?? "-")")
        #expect(!state.threads.isEmpty && state.threads.contains { $0.point != nil })
        #expect(crash.poolThread.map { $0 > 0 && $0 < state.threads.count } == true)
        let standardError = process.standardError
        #expect(standardError.contains("CRASH (crash) after "))
        #expect(standardError.contains("  replay: \(report.replay ?? "?")"))
        #expect(process.standardOutput.contains("verdict: crash (exit 5)"))
        #expect(FileAccess.entries(of: folder.path).allSatisfy { !$0.path.contains(".tmp.") }, "a temporary report was left behind")
    }

    @Test("Exit test: the driver dies of the trap, and the state it left is the whole report", .runsCanary)
    func trapInTheDriver() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let statePath = folder.path + "/state"
        let json = folder.path + "/report.json"
        let options = try StressOptions.parse(Self.trappingRun + ["--json", json])
        let state = try SharedRunState.createFile(at: statePath, callerThreads: StressDriver.callerThreads)
        // Built before the driver runs, as the supervisor's is: it writes the slots' first words.
        let context = RunContext(options: options, seed: 11, callerThreads: StressDriver.callerThreads, shared: state)
        let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) { [statePath = statePath as String] in
            alarm(120)
            setenv(SharedRunState.environmentKey, statePath, 1)
            exit(StressDriver.main(arguments: CrashVerdictTests.trappingRun))
        }
        #expect(result?.exitStatus == .signal(Self.trapSignal), "\(String(decoding: (result?.standardErrorContent ?? []).suffix(3000), as: UTF8.self))")
        let record = try #require(state.crash, "the dying thread recorded nothing")
        #expect(record.signal == Self.trapSignal && record.threadName?.hasPrefix("pool-worker-") == true)
        #expect(SupervisorReport(context: context, driver: 0 /* the driver published its own */).report(.crashed(signal: Self.trapSignal)) == StressExitCode.crash)
        let report = try StressSummary.read(json)
        let crash = try Self.expectCrashReport(report, signal: Self.trapSignal, variant: Canary.claimOnWake.rawValue)
        #expect(crash.thread == record.threadName && crash.caller != nil && crash.poolThread != nil)
        #expect(report.jobs > 0 || crash.statisticsAgeMilliseconds == nil)
        #expect(FileAccess.entries(of: folder.path).allSatisfy { !$0.path.contains(".tmp.") }, "a temporary report was left behind")
    }

    @Test("Exit test: any fatal signal in the driver's own threads is a crash that names the thread",
          arguments: callerSignals)
    func fatalSignalInACaller(signal: Int32) async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let statePath = folder.path + "/state"
        let json = folder.path + "/report.json"
        let arguments = ["--seconds", "60", "--seed", "5", "--threads", "1-3", "--quiet"]
        let options = try StressOptions.parse(arguments + ["--json", json])
        let state = try SharedRunState.createFile(at: statePath, callerThreads: StressDriver.callerThreads)
        let context = RunContext(options: options, seed: 5, callerThreads: StressDriver.callerThreads, shared: state)
        let result = await #expect(processExitsWith: .failure, observing: [\.exitStatus, \.standardErrorContent]) { [statePath = statePath as String, signal] in
            alarm(120)
            setenv(SharedRunState.environmentKey, statePath, 1)
            // Once jobs run, the signal goes to caller 0, as if its own code had faulted.
            _ = NamedThread.startOrDie(name: "test-signaller") {
                guard let shared = try? SharedRunState.attach(path: statePath, callerThreads: StressDriver.callerThreads),
                      poll(seconds: 60, { shared.publishedJobs > 0 && shared.callerThread(slot: 0) != 0 }) else { exit(70) }
                pthread_kill(pthread_t(shared.callerThread(slot: 0)), signal)
            }
            exit(StressDriver.main(arguments: ["--seconds", "60", "--seed", "5", "--threads", "1-3", "--quiet"]))
        }
        #expect(result?.exitStatus == .signal(signal),
                "\(String(decoding: (result?.standardErrorContent ?? []).suffix(3000), as: UTF8.self))")
        #expect(SupervisorReport(context: context, driver: 0 /* the driver published its own */).report(.crashed(signal: signal)) == StressExitCode.crash)
        let report = try StressSummary.read(json)
        let crash = try Self.expectCrashReport(report, signal: signal, variant: nil)
        #expect(crash.thread == "stress-caller-0" && crash.caller == 0 && crash.poolThread == 0)
        #expect(crash.code.map { $0 <= 0 } == true, "sent by a process: si_code \(crash.code ?? 99)")
        #expect(report.jobs > 0)
    }

    @Test("SIGINT or SIGTERM after the run started: the summary of what ran, a valid interrupted JSON, exit 130 or 143",
          arguments: [SIGINT, SIGTERM])
    func interrupt(signal: Int32) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let json = folder.path + "/report.json"
        // Not quiet: the first progress line says the run is under way.
        let process = try #require(StressProcess.start(try Self.binary(), ["--seconds", "60", "--seed", "21", "--json", json], in: folder))
        let started = process.waitForError(containing: "[1 s, ", seconds: 30)
        kill(process.pid, signal)
        // Within the watchdog's deadline (10 s) at most, with margin for a loaded machine.
        let ending = process.wait(seconds: 40)
        #expect(started, "no progress line within 30 s: \(process.standardError.suffix(1000))")
        #expect(ending == .exited(128 + signal), "\(ending); stderr: \(process.standardError.suffix(2000))")
        let report = try StressSummary.read(json)
        #expect(report.knownVerdict == .interrupted && report.exitCode == 128 + signal && report.violations == 0)
        #expect(report.jobs > 0 && report.elapsedSeconds < 60)
        #expect(report.confidence.hasPrefix("0 failures in \(report.jobs) jobs: failure rate < 3/"))
        #expect(report.replay?.contains("--from-episode") == true)
        #expect(report.resources != nil)
        let output = process.standardOutput
        #expect(output.contains("verdict: interrupted (exit \(128 + signal))"))
        #expect(output.contains(report.confidence))
        #expect(process.standardError.contains("INTERRUPTED (interrupted) after "))
    }

    @Test("Verdicts, exit codes and their documentation agree")
    func exitCodes() {
        #expect(Verdict.crash.exitCode == 5 && StressExitCode.crash == 5 && StressExitCode.coverageIncomplete == 4)
        #expect(StressExitCode.interrupted(by: SIGINT) == 130 && StressExitCode.interrupted(by: SIGTERM) == 143)
        #expect(Verdict.resourceLeak.exitCode == StressExitCode.violation)
        #expect(!Verdict.interrupted.isViolation && !Verdict.passed.isViolation && Verdict.crash.isViolation && Verdict.resourceLeak.isViolation)
        for text in ["5 crash", "130/143 interrupted"] { #expect(StressOptions.usage.contains(text), "usage lacks '\(text)'") }
    }
}
