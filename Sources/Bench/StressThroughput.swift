import Glibc
import Pool

/// The stress driver's throughput in jobs/s, read from a short run of its built binary
/// (`stress --seconds 5 --quiet --json PATH`, field `jobsPerSecond`). Never blocks the
/// bench: a missing binary, a failing run, a run over its deadline (killed) or a report
/// without the field all give "n/a" with the reason.
enum StressThroughput {
    enum Outcome {
        case measured(jobsPerSecond: Double, binary: String)
        case unavailable(reason: String)

        var text: String {
            switch self {
            case .measured(let rate, let binary): "\(format(rate, digits: 0)) jobs/s (\(binary) --seconds 5)"
            case .unavailable(let reason): "n/a: \(reason)"
            }
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

    static func measure(binary: String, seconds: Int = 5) -> Outcome {
        guard access(binary, X_OK) == 0 else {
            return .unavailable(reason: "no stress binary at \(binary) (build it with swift build -c release --product stress and the same scratch path, or pass --stress PATH)")
        }
        let report = "/tmp/bench-stress-\(getpid()).json"
        defer { unlink(report) }
        let arguments = [binary, "--seconds", String(seconds), "--quiet", "--json", report]
        let deadlineSeconds = seconds * 4 + 40
        guard let status = ChildProcess.run(arguments, deadlineNanoseconds: UInt64(deadlineSeconds) * 1_000_000_000) else {
            return .unavailable(reason: "\(binary) did not finish within \(deadlineSeconds) s; killed")
        }
        guard status == 0 else { return .unavailable(reason: "\(binary) exited with status \(status)") }
        guard let json = FileText.read(report) else { return .unavailable(reason: "\(binary) wrote no report to \(report)") }
        guard let rate = number(after: "\"jobsPerSecond\"", in: json) else {
            return .unavailable(reason: "the report has no jobsPerSecond field")
        }
        return .measured(jobsPerSecond: rate, binary: binary)
    }

    /// The number that follows `key:` in a JSON text (top-level fields are unique here).
    static func number(after key: String, in json: String) -> Double? {
        guard let range = json.firstRange(of: key) else { return nil }
        let separators: Set<Character> = [" ", ":", "\n", "\t"]
        let numberCharacters: Set<Character> = Set("0123456789.-+eE")
        let rest = json[range.upperBound...].drop { separators.contains($0) }
        return Double(String(rest.prefix { numberCharacters.contains($0) }))
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
