import Canaries
import Glibc
import Pool

/// `stress --self-test`: runs every canary the registry gives to the stress driver, each in a
/// child process (this executable, re-executed), and proves that each one is detected.
///
/// A child process, because a detected canary is often a stuck pool: a lost wake-up or a
/// stop that never came leaves threads that can never be joined. The child's own watchdog
/// reports the stall and exits 2; should even that fail, the parent kills the child after
/// its budget, so the self-test cannot hang. Only the noise, the faults, the thread counts
/// and the profile are tuned per canary (`Canary.selfTestFlags`, flags of the child), never
/// the canaries.
///
/// `--profile P` overrides every canary's profile (it is passed after the canary's flags);
/// a canary whose thread counts the hot profile cannot run on this machine (more threads
/// than CPUs) is then "n/a", neither detected nor survived. `--repeat N` hunts each canary
/// N times, with seeds S, S+1, ..., and the table gives the median time to detection (a
/// hunt that survived counts as slower than any detection).
///
/// Each child is a whole `stress` (its supervisor and its driver): a canary that traps is
/// detected as the verdict `crash` (exit 5), with the supervisor's report.
///
/// SIGINT and SIGTERM (blocked here, taken at the wait's poll) are passed on to the child
/// running; it stops and reports as interrupted, no further hunt starts, and the self-test
/// prints what ran and exits 130 or 143: a child is never left behind.
public struct SelfTest {
    public let options: StressOptions

    public init(options: StressOptions) { self.options = options }

    struct Row {
        var canary: Canary
        var detected: Bool
        var how: String
        var seconds: Double
        var note: String
        /// The hunt could not run here (the profile cannot run the canary's thread counts).
        var notApplicable = false
        /// The SIGINT or SIGTERM that arrived during the hunt (passed on to the child), if any.
        var interrupt: Int32?
        /// The child stopped because of that interrupt: neither detected nor survived.
        var interrupted = false
    }

    public func run() -> Int32 {
        let canaries = Canary.allCases.filter { $0.detectors.contains(.stress) }
        var system = SystemRandomNumberGenerator()
        let seed = options.seed ?? system.next()
        let repeats = options.repeatCount
        ConsoleOutput.out("stress --self-test: \(canaries.count) canaries, up to \(options.seconds) s each"
                          + (repeats > 1 ? ", \(repeats) hunts each (seeds \(seed) ... \(seed &+ UInt64(repeats - 1)))" : ", seed \(seed)")
                          + (options.profileGiven ? ", profile \(options.profile.rawValue) for every canary" : "") + "\n")
        // Before any child exists: the children inherit the mask (and take the signals at
        // their own polls, as their supervisors do).
        InterruptSignals.block()
        var rows: [[Row]] = []
        var interrupt: Int32?
        for canary in canaries where interrupt == nil {
            var hunts: [Row] = []
            for attempt in 0..<repeats where interrupt == nil {
                let huntSeed = seed &+ UInt64(attempt)
                let row = runChild(canary, seed: huntSeed)
                interrupt = row.interrupt
                let verdict = row.notApplicable ? "n/a" : row.interrupted ? "interrupted" : row.detected ? "detected" : "SURVIVED"
                let notes = [row.note, repeats > 1 ? "seed \(huntSeed)" : ""].filter { !$0.isEmpty }.joined(separator: "; ")
                ConsoleOutput.out("  \(canary.rawValue): \(verdict) (\(row.how)) in \(format3(row.seconds)) s\(notes.isEmpty ? "" : "; " + notes)\n")
                hunts.append(row)
                if row.notApplicable { break }
            }
            rows.append(hunts)
        }
        ConsoleOutput.out(table(rows))
        if let interrupt {
            ConsoleOutput.out("self-test: interrupted by \(SignalNames.name(interrupt)) after \(rows.count) of \(canaries.count) canaries\n")
            return StressExitCode.interrupted(by: interrupt)
        }
        let survivors = rows.filter { $0.contains { !$0.detected && !$0.notApplicable } }.map { $0[0].canary.rawValue }
        if survivors.isEmpty {
            ConsoleOutput.out("self-test: every canary detected" + (rows.contains { $0[0].notApplicable } ? " (n/a ones excepted)" : "") + "\n")
            return StressExitCode.passed
        }
        ConsoleOutput.out("self-test: \(survivors.count) canar\(survivors.count == 1 ? "y" : "ies") SURVIVED: \(survivors.joined(separator: ", "))\n")
        return StressExitCode.canarySurvived
    }

    /// One line per canary: detections, how, and the time to detection (its median over
    /// the hunts, and their range, with `--repeat`).
    func table(_ rows: [[Row]]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        let repeats = options.repeatCount
        let hows = rows.map { hunts in Array(Set(hunts.filter(\.detected).map(\.how))).sorted().joined(separator: ", ") }
        let howWidth = max(16, (hows.map(\.count).max() ?? 0) + 2)
        var text = "\n" + pad("canary", 30) + pad("detected", 10) + pad("how", howWidth)
            + (repeats > 1 ? "median time to detection [fastest ... slowest]" : "time to detection") + "\n"
        for (all, how) in zip(rows, hows) {
            let first = all[0]
            if first.notApplicable {
                text += pad(first.canary.rawValue, 30) + pad("n/a", 10) + pad("-", howWidth) + first.note + "\n"
                continue
            }
            // A hunt an interrupt stopped neither detected nor survived: left out.
            let hunts = all.filter { !$0.interrupted }
            if hunts.isEmpty {
                text += pad(first.canary.rawValue, 30) + pad("-", 10) + pad("-", howWidth) + "interrupted\n"
                continue
            }
            let detections = hunts.filter(\.detected).count
            let detected = repeats > 1 ? "\(detections)/\(hunts.count)" : (first.detected ? "yes" : "NO")
            text += pad(first.canary.rawValue, 30) + pad(detected, 10) + pad(how.isEmpty ? "-" : how, howWidth)
                + Self.timeText(hunts, limit: options.seconds) + "\n"
        }
        return text
    }

    /// The median time to detection over `hunts` (a survivor counts as slower than every
    /// detection), with the range of the detections; "not detected within LIMIT s" when
    /// the median hunt survived.
    static func timeText(_ hunts: [Row], limit: Double) -> String {
        let ordered = hunts.sorted { left, right in
            left.detected != right.detected ? left.detected : left.seconds < right.seconds
        }
        let median = ordered[(ordered.count - 1) / 2]
        let detections = ordered.filter(\.detected).map(\.seconds)
        let medianText = median.detected ? "\(format3(median.seconds)) s" : "not detected within \(format3(limit)) s"
        guard hunts.count > 1, let fastest = detections.first, let slowest = detections.last else { return medianText }
        return medianText + " [\(format3(fastest)) ... \(format3(slowest)) s]"
    }

    /// Why `arguments` (a child's, program name included) cannot hunt here, or nil.
    static func notApplicable(_ arguments: [String]) -> String? {
        guard let child = try? StressOptions.parse(Array(arguments.dropFirst())) else { return nil }
        guard child.profile == .hot && child.hotThreadCounts.isEmpty else { return nil }
        return "the hot profile runs 2 ... \(max(2, CPUAffinity.availableCPUCount)) threads on this machine; the canary needs "
            + child.effectiveThreadCounts.map(String.init).joined(separator: ",")
    }

    func runChild(_ canary: Canary, seed: UInt64) -> Row {
        let base = "/tmp/stress-self-test-\(getpid())-\(canary.rawValue)"
        let jsonPath = base + ".json"
        let logPath = base + ".log"
        unlink(jsonPath)
        let arguments = ["stress", "--variant", canary.rawValue, "--seconds", "\(options.seconds)", "--seed", "\(seed)",
                         "--watchdog", "2", "--quiet", "--json", jsonPath] + (canary.selfTestFlags ?? [])
            + (options.profileGiven ? ["--profile", options.profile.rawValue] : [])
        if let reason = Self.notApplicable(arguments) {
            return Row(canary: canary, detected: false, how: "-", seconds: 0, note: reason, notApplicable: true)
        }
        let started = MonotonicClock.nanoseconds()
        guard let child = spawn(arguments, log: logPath) else {
            return Row(canary: canary, detected: false, how: "not run", seconds: 0, note: "could not start a child process (errno \(errno))")
        }
        // The child's watchdog fires 2 s after a stall plus a 2 s rescue; allow it that.
        var interrupt: Int32?
        let (status, killed) = wait(for: child, startedAt: started, budgetNanoseconds: UInt64((options.seconds + 15) * 1e9),
                                    interrupted: { interrupt = interrupt ?? $0 })
        var row = outcome(canary, status: status, killed: killed, interrupt: interrupt, seconds: Double(MonotonicClock.nanoseconds() &- started) / 1e9,
                          jsonPath: jsonPath, logPath: logPath)
        row.interrupt = interrupt
        return row
    }

    /// How one hunt's child ended, judged from its wait status and its JSON report (both
    /// files are removed).
    func outcome(_ canary: Canary, status: Int32, killed: Bool, interrupt: Int32?, seconds: Double,
                 jsonPath: String, logPath: String) -> Row {
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
            return Row(canary: canary, detected: false, how: "hung", seconds: seconds, note: "killed after \(Int(options.seconds + 15)) s; the child's watchdog did not end it. Log: \(tail)")
        }
        let exited = status & 0x7F == 0
        if !exited {
            return Row(canary: canary, detected: true, how: "crash", seconds: seconds, note: "child died of signal \(status & 0x7F): \(tail)")
        }
        let code = (status >> 8) & 0xFF
        if let interrupt, code == StressExitCode.interrupted(by: interrupt) {
            return Row(canary: canary, detected: false, how: SignalNames.name(interrupt), seconds: seconds, note: "", interrupted: true)
        }
        switch code {
        case StressExitCode.violation, StressExitCode.stall, StressExitCode.crash:
            return Row(canary: canary, detected: true, how: verdict ?? "exit \(code)", seconds: seconds, note: "")
        case StressExitCode.passed:
            return Row(canary: canary, detected: false, how: "-", seconds: seconds, note: "ran \(options.seconds) s without a violation")
        default:
            return Row(canary: canary, detected: false, how: "error", seconds: seconds, note: "child exited \(code): \(tail)")
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
