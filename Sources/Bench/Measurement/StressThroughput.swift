import FoundationEssentials
import Glibc
import Pool

/// The stress driver's throughput in checked jobs/s, per profile, side by side: short runs of
/// its built binary (`stress --json PATH`), interleaved (hot, default, hot, default, ...) so
/// that both see the same machine, summarised as median and range over the runs. The
/// default profile's report also gives its hot and its noisy phases separately.
///
/// Never blocks the bench: a missing binary, a failing run, a run over its deadline (killed)
/// or a report without the figures all give "n/a" with the reason.
///
/// Reads the report with a `JSONDecoder` (FoundationEssentials): the per-phase figures are a
/// nested list, which a text search cannot read reliably; the bench does not link StressKit.
enum StressThroughput {
    /// One profile as the bench runs it.
    struct Profile {
        var name: String
        var arguments: [String]
        var seconds: Int
    }

    /// The hot profile on 2 threads (the figure the bench's target is about), and the default profile over two
    /// whole noisy/hot cycles (6 s: noisy 2 s, hot 1 s, twice).
    static let profiles = [
        Profile(name: "hot profile, 2 threads", arguments: ["--profile", "hot", "--threads", "2"], seconds: 5),
        Profile(name: "default profile", arguments: [], seconds: 6),
    ]

    /// The fields of a stress report the bench reads.
    struct Report: Decodable {
        var jobsPerSecond: Double
        var perPhase: [Phase]?

        struct Phase: Decodable {
            var phase: String
            var jobsPerSecond: Double
        }
    }

    /// One profile's figures over the runs.
    struct Figures {
        var profile: Profile
        var binary: String
        var rates: [Double] = []
        /// Per phase name: its jobs/s in each run.
        var phaseRates: [String: [Double]] = [:]
        var failure: String?

        var command: String {
            ([String(binary.split(separator: "/").last ?? Substring(binary))] + profile.arguments + ["--seconds", "\(profile.seconds)"]).joined(separator: " ")
        }

        static func median(_ values: [Double]) -> Double { values.sorted()[(values.count - 1) / 2] }

        /// "150123 checked jobs/s [141000 ... 160200] (stress --profile hot ...)", or "n/a: why".
        var text: String {
            if let failure { return "\(profile.name): n/a: \(failure)" }
            guard !rates.isEmpty else { return "\(profile.name): n/a: not run" }
            var line = "\(profile.name): \(format(Self.median(rates), digits: 0)) checked jobs/s"
            if rates.count > 1 {
                line += " [\(format(rates.min()!, digits: 0)) ... \(format(rates.max()!, digits: 0))]"
            }
            let phases = phaseRates.keys.sorted().filter { _ in phaseRates.count > 1 }
            if !phases.isEmpty {
                line += "; " + phases.map { "its \($0) phases \(format(Self.median(phaseRates[$0]!), digits: 0))" }.joined(separator: ", ")
            }
            return line + " (\(command))"
        }
    }

    /// Both profiles, `runs` runs each, interleaved.
    static func measure(binary: String, runs: Int = 3) -> [Figures] {
        var figures = profiles.map { Figures(profile: $0, binary: binary) }
        guard access(binary, X_OK) == 0 else {
            let reason = "no stress binary at \(binary) (build it with swift build -c release --product stress and the same scratch path, or pass --stress PATH)"
            for index in figures.indices { figures[index].failure = reason }
            return figures
        }
        for _ in 0..<runs {
            for index in figures.indices where figures[index].failure == nil {
                switch run(binary: binary, profile: figures[index].profile) {
                case .success(let report):
                    figures[index].rates.append(report.jobsPerSecond)
                    for phase in report.perPhase ?? [] { figures[index].phaseRates[phase.phase, default: []].append(phase.jobsPerSecond) }
                case .failure(let problem):
                    figures[index].failure = problem.reason
                }
            }
        }
        return figures
    }

    struct Problem: Error { var reason: String }

    static func run(binary: String, profile: Profile) -> Result<Report, Problem> {
        let path = "/tmp/bench-stress-\(getpid()).json"
        defer { unlink(path) }
        let arguments = [binary, "--seconds", String(profile.seconds), "--quiet", "--json", path] + profile.arguments
        let deadlineSeconds = profile.seconds * 4 + 40
        guard let status = ChildProcess.run(arguments, deadlineNanoseconds: UInt64(deadlineSeconds) * 1_000_000_000) else {
            return .failure(Problem(reason: "\(binary) did not finish within \(deadlineSeconds) s; killed"))
        }
        guard status == 0 else { return .failure(Problem(reason: "\(binary) exited with status \(status)")) }
        guard let json = FileText.read(path) else { return .failure(Problem(reason: "\(binary) wrote no report to \(path)")) }
        do {
            return .success(try JSONDecoder().decode(Report.self, from: Data(json.utf8)))
        } catch {
            return .failure(Problem(reason: "the report has no jobsPerSecond: \(error)"))
        }
    }

    /// `stress` in the directory of this executable: where `swift build` puts both.
    static var defaultBinary: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "stress" }
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)]) + "/stress"
    }
}

/// Runs a program with stdout and stderr sent to /dev/null and waits for it, at most until a
/// deadline, after which it is killed. Returns its exit status, or nil if it was killed.
enum ChildProcess {
    static func run(_ arguments: [String], deadlineNanoseconds: UInt64) -> Int32? {
        guard let pid = start(arguments) else { return -1 }
        return wait(pid, deadlineNanoseconds: deadlineNanoseconds)
    }

    /// Starts the program, its output to /dev/null; nil if it cannot be started.
    static func start(_ arguments: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return nil }
        return pid
    }

    /// Waits for `pid` at most `deadlineNanoseconds`, then kills it. Its exit status, or nil
    /// if it was killed.
    static func wait(_ pid: pid_t, deadlineNanoseconds: UInt64) -> Int32? {
        let deadline = MonotonicClock.nanoseconds() &+ deadlineNanoseconds
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if MonotonicClock.nanoseconds() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return nil
            }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import: decode by hand.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

extension StressThroughput {
    /// The section the bench prints and writes: one line per profile.
    static func section(_ figures: [Figures], runs: Int) -> String {
        if figures.isEmpty { return "stress driver throughput: not run (--no-stress or --probe-cost)" }
        let seconds = figures.map(\.profile.seconds).map(String.init).joined(separator: " and ")
        return (["stress driver throughput, checked jobs/s, median [fastest ... slowest] of \(runs) interleaved run\(runs == 1 ? "" : "s") of \(seconds) s:"]
            + figures.map { "  " + $0.text }).joined(separator: "\n")
    }
}
