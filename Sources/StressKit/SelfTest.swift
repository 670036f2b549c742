import Canaries
import Glibc
import Pool

/// `stress --self-test`: runs every canary the registry gives to the stress driver, each in a
/// child process (this executable, re-executed), and proves that each one is detected.
///
/// A child process, because a detected canary is often a stuck pool: a lost wake-up or a
/// stop that never came leaves threads that can never be joined. The child's own watchdog
/// reports the stall and exits 2; should even that fail, the parent kills the child after
/// its budget, so the self-test cannot hang. Only the noise, the faults and the thread counts
/// are tuned per canary (`Canary.selfTestFlags`, flags of the child), never the canaries.
///
/// Each child is a whole `stress` (its supervisor and its driver): a canary that traps is
/// detected as the verdict `crash` (exit 4), with the supervisor's report.
///
/// SIGINT and SIGTERM (blocked here, taken at the wait's poll) are passed on to the child
/// running; it stops and reports as interrupted, no further canary starts, and the
/// self-test prints what ran and exits 130 or 143: a child is never left behind.
public struct SelfTest {
    public let options: StressOptions

    public init(options: StressOptions) { self.options = options }

    struct Row {
        var canary: Canary
        var detected: Bool
        var how: String
        var seconds: Double
        var note: String
        /// Stopped by an interrupt: neither detected nor survived.
        var interrupted = false
    }

    public func run() -> Int32 {
        let canaries = Canary.allCases.filter { $0.detectors.contains(.stress) }
        var system = SystemRandomNumberGenerator()
        let seed = options.seed ?? system.next()
        ConsoleOutput.out("stress --self-test: \(canaries.count) canaries, up to \(options.seconds) s each, seed \(seed)\n")
        // Before any child exists: the children inherit the mask (and take the signals at
        // their own polls, as their supervisors do).
        InterruptSignals.block()
        var rows: [Row] = []
        var interrupt: Int32?
        for canary in canaries where interrupt == nil {
            let (row, signal) = runChild(canary, seed: seed)
            interrupt = signal
            let outcome = row.interrupted ? "interrupted" : row.detected ? "detected" : "SURVIVED"
            ConsoleOutput.out("  \(canary.rawValue): \(outcome) (\(row.how)) in \(format3(row.seconds)) s\(row.note.isEmpty ? "" : "; " + row.note)\n")
            rows.append(row)
        }
        ConsoleOutput.out(table(rows))
        if let interrupt {
            ConsoleOutput.out("self-test: interrupted by \(SignalNames.name(interrupt)) after \(rows.count) of \(canaries.count) canaries\n")
            return StressExitCode.interrupted(by: interrupt)
        }
        let survivors = rows.filter { !$0.detected }
        if survivors.isEmpty {
            ConsoleOutput.out("self-test: every canary detected\n")
            return StressExitCode.passed
        }
        ConsoleOutput.out("self-test: \(survivors.count) canar\(survivors.count == 1 ? "y" : "ies") SURVIVED: \(survivors.map(\.canary.rawValue).joined(separator: ", "))\n")
        return StressExitCode.canarySurvived
    }

    func table(_ rows: [Row]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var text = "\n" + pad("canary", 22) + pad("detected", 10) + pad("how", 16) + "time to detection\n"
        for row in rows {
            text += pad(row.canary.rawValue, 22) + pad(row.interrupted ? "-" : row.detected ? "yes" : "NO", 10) + pad(row.how, 16) + "\(format3(row.seconds)) s\n"
        }
        return text
    }

    /// Runs one canary's child; returns its row, and the interrupt that arrived meanwhile.
    func runChild(_ canary: Canary, seed: UInt64) -> (Row, Int32?) {
        let base = "/tmp/stress-self-test-\(getpid())-\(canary.rawValue)"
        let jsonPath = base + ".json"
        let logPath = base + ".log"
        unlink(jsonPath)
        let arguments = ["stress", "--variant", canary.rawValue, "--seconds", "\(options.seconds)", "--seed", "\(seed)",
                         "--watchdog", "2", "--quiet", "--json", jsonPath] + (canary.selfTestFlags ?? [])
        let started = MonotonicClock.nanoseconds()
        guard let child = spawn(arguments, log: logPath) else {
            return (Row(canary: canary, detected: false, how: "not run", seconds: 0, note: "could not start a child process (errno \(errno))"), nil)
        }
        return outcome(of: child, canary, started: started, jsonPath: jsonPath, logPath: logPath)
    }

    /// Waits for the child within its budget, passing an interrupt on; judges how it ended.
    func outcome(of child: pid_t, _ canary: Canary, started: UInt64, jsonPath: String, logPath: String) -> (Row, Int32?) {
        // The child's watchdog fires 2 s after a stall plus a 2 s rescue; allow it that.
        var interrupt: Int32?
        let (status, killed) = wait(for: child, startedAt: started, budgetNanoseconds: UInt64((options.seconds + 15) * 1e9),
                                    interrupted: { interrupt = interrupt ?? $0 })
        let seconds = Double(MonotonicClock.nanoseconds() &- started) / 1e9
        let verdict = readVerdict(jsonPath)
        let tail = logTail(logPath)
        unlink(jsonPath)
        // A child killed while writing its report leaves the atomic writer's temporary file,
        // named after the process that wrote it (the child's driver, or the child itself).
        let leftover = FileAccess.lastComponent(of: FileAccess.temporaryPath(for: jsonPath, pid: 0)).dropLast()
        for entry in FileAccess.entries(of: "/tmp") where FileAccess.lastComponent(of: entry.path).hasPrefix(leftover) {
            unlink(entry.path)
        }
        unlink(logPath)
        if killed {
            return (Row(canary: canary, detected: false, how: "hung", seconds: seconds, note: "killed after \(Int(options.seconds + 15)) s; the child's watchdog did not end it. Log: \(tail)"), interrupt)
        }
        let exited = status & 0x7F == 0
        if !exited {
            return (Row(canary: canary, detected: true, how: "crash", seconds: seconds, note: "child died of signal \(status & 0x7F): \(tail)"), interrupt)
        }
        let code = (status >> 8) & 0xFF
        if let interrupt, code == StressExitCode.interrupted(by: interrupt) {
            return (Row(canary: canary, detected: false, how: SignalNames.name(interrupt), seconds: seconds, note: "", interrupted: true), interrupt)
        }
        switch code {
        case StressExitCode.violation, StressExitCode.stall, StressExitCode.crash:
            return (Row(canary: canary, detected: true, how: verdict ?? "exit \(code)", seconds: seconds, note: ""), interrupt)
        case StressExitCode.passed:
            return (Row(canary: canary, detected: false, how: "-", seconds: seconds, note: "ran \(options.seconds) s without a violation"), interrupt)
        default:
            return (Row(canary: canary, detected: false, how: "error", seconds: seconds, note: "child exited \(code): \(tail)"), interrupt)
        }
    }

    /// Waits for `child` until `budgetNanoseconds` after `startedAt`, then kills it. Its wait
    /// status, and whether it was killed. If the caller blocked SIGINT and SIGTERM
    /// (`InterruptSignals.block`), each one sent meanwhile is taken at the wait's poll, passed
    /// on to the child (which stops and reports), and told to `interrupted`.
    func wait(for child: pid_t, startedAt started: UInt64, budgetNanoseconds budget: UInt64,
              interrupted: (Int32) -> Void = { _ in }) -> (status: Int32, killed: Bool) {
        var status: Int32 = 0
        while waitpid(child, &status, WNOHANG) == 0 {
            if MonotonicClock.nanoseconds() &- started > budget {
                kill(child, SIGKILL)
                waitpid(child, &status, 0)
                return (status, true)
            }
            // The poll's sleep, cut short by an interrupt.
            if let signal = InterruptSignals.wait(microseconds: 2_000) {
                kill(child, signal)
                interrupted(signal)
            }
        }
        return (status, false)
    }

    /// Re-executes this program with `arguments`, its output going to `log`.
    func spawn(_ arguments: [String], log: String) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/proc/self/exe", &actions, nil, &argv, environ)
        if result != 0 { errno = result; return nil }
        return pid
    }

    /// The child's verdict ("lost wake-up", "invariant", ...) from its JSON report; nil if
    /// it wrote none (killed) or one that cannot be read.
    func readVerdict(_ path: String) -> String? {
        (try? StressSummary.read(path))?.verdict
    }

    func logTail(_ path: String) -> String {
        let lines = readFile(path).split(separator: "\n").suffix(6)
        return lines.joined(separator: " | ")
    }

    func readFile(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
