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
public struct SelfTest {
    public let options: StressOptions

    public init(options: StressOptions) { self.options = options }

    struct Row {
        var canary: Canary
        var detected: Bool
        var how: String
        var seconds: Double
        var note: String
    }

    public func run() -> Int32 {
        let canaries = Canary.allCases.filter { $0.detectors.contains(.stress) }
        var system = SystemRandomNumberGenerator()
        let seed = options.seed ?? system.next()
        ConsoleOutput.out("stress --self-test: \(canaries.count) canaries, up to \(options.seconds) s each, seed \(seed)\n")
        var rows: [Row] = []
        for canary in canaries {
            let row = runChild(canary, seed: seed)
            ConsoleOutput.out("  \(canary.rawValue): \(row.detected ? "detected" : "SURVIVED") (\(row.how)) in \(format3(row.seconds)) s\(row.note.isEmpty ? "" : "; " + row.note)\n")
            rows.append(row)
        }
        ConsoleOutput.out(table(rows))
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
            text += pad(row.canary.rawValue, 22) + pad(row.detected ? "yes" : "NO", 10) + pad(row.how, 16) + "\(format3(row.seconds)) s\n"
        }
        return text
    }

    func runChild(_ canary: Canary, seed: UInt64) -> Row {
        let base = "/tmp/stress-self-test-\(getpid())-\(canary.rawValue)"
        let jsonPath = base + ".json"
        let logPath = base + ".log"
        unlink(jsonPath)
        let arguments = ["stress", "--variant", canary.rawValue, "--seconds", "\(options.seconds)", "--seed", "\(seed)",
                         "--watchdog", "2", "--quiet", "--json", jsonPath] + (canary.selfTestFlags ?? [])
        let started = MonotonicClock.nanoseconds()
        guard let child = spawn(arguments, log: logPath) else {
            return Row(canary: canary, detected: false, how: "not run", seconds: 0, note: "could not start a child process (errno \(errno))")
        }
        // The child's watchdog fires 2 s after a stall plus a 2 s rescue; allow it that.
        let (status, killed) = wait(for: child, startedAt: started, budgetNanoseconds: UInt64((options.seconds + 15) * 1e9))
        let seconds = Double(MonotonicClock.nanoseconds() &- started) / 1e9
        let verdict = readVerdict(jsonPath)
        let tail = logTail(logPath)
        unlink(jsonPath)
        // A child killed while writing its report leaves the atomic writer's temporary file.
        unlink(FileAccess.temporaryPath(for: jsonPath, pid: child))
        unlink(logPath)
        if killed {
            return Row(canary: canary, detected: false, how: "hung", seconds: seconds, note: "killed after \(Int(options.seconds + 15)) s; the child's watchdog did not end it. Log: \(tail)")
        }
        let exited = status & 0x7F == 0
        if !exited {
            return Row(canary: canary, detected: true, how: "crash", seconds: seconds, note: "child died of signal \(status & 0x7F): \(tail)")
        }
        switch (status >> 8) & 0xFF {
        case StressExitCode.violation, StressExitCode.stall:
            return Row(canary: canary, detected: true, how: verdict ?? "exit \((status >> 8) & 0xFF)", seconds: seconds, note: "")
        case StressExitCode.passed:
            return Row(canary: canary, detected: false, how: "-", seconds: seconds, note: "ran \(options.seconds) s without a violation")
        default:
            return Row(canary: canary, detected: false, how: "error", seconds: seconds, note: "child exited \((status >> 8) & 0xFF): \(tail)")
        }
    }

    /// Waits for `child` until `budgetNanoseconds` after `startedAt`, then kills it. Its wait
    /// status, and whether it was killed.
    func wait(for child: pid_t, startedAt started: UInt64, budgetNanoseconds budget: UInt64) -> (status: Int32, killed: Bool) {
        var status: Int32 = 0
        while waitpid(child, &status, WNOHANG) == 0 {
            if MonotonicClock.nanoseconds() &- started > budget {
                kill(child, SIGKILL)
                waitpid(child, &status, 0)
                return (status, true)
            }
            usleep(2_000)
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
