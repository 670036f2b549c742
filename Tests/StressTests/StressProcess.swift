import Glibc
import Pool
import StressKit

/// The `stress` executable built beside this test bundle, run as a user runs it: a process
/// of its own (the supervisor, which starts the driver), its output in files of a temporary
/// folder. Every wait is bounded; a process still running at the end of a wait is killed.
struct StressProcess {
    /// How the process ended.
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        /// Still running at the deadline: killed (SIGKILL) and reaped.
        case hung

        var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            case .hung: "still running at the deadline (killed)"
            }
        }
    }

    let pid: pid_t
    let folder: TemporaryFolder
    var outputPath: String { folder.path + "/stdout" }
    var errorPath: String { folder.path + "/stderr" }
    var standardOutput: String { FileAccess.readText(outputPath) ?? "" }
    var standardError: String { FileAccess.readText(errorPath) ?? "" }

    /// `stress` beside the running test bundle (`swift build` and `swift test` build both
    /// into the same folder); nil if it is not there.
    static var binary: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let bundle = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let path = FileAccess.parentFolder(of: bundle) + "/stress"
        return FileAccess.exists(path) ? path : nil
    }

    /// Starts `binary` with `arguments`, its output in `folder`; nil if it cannot be started.
    /// A canary child gets ThreadSanitizer options of its own (`CanaryChild`).
    static func start(_ binary: String, _ arguments: [String], in folder: TemporaryFolder) -> StressProcess? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, folder.path + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, folder.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var argv: [UnsafeMutablePointer<CChar>?] = (["stress"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let environment = CanaryChild.environment(for: arguments, folder: folder.path)
        guard environment.withCArray({ posix_spawn(&pid, binary, &actions, nil, &argv, $0) }) == 0 else { return nil }
        return StressProcess(pid: pid, folder: folder)
    }

    /// Polls (bounded) until the process's stderr contains `text`; false at the deadline.
    func waitForError(containing text: String, seconds: Double) -> Bool {
        poll(seconds: seconds) { standardError.contains(text) }
    }

    /// Waits at most `seconds` for the process to end; kills it if it does not.
    func wait(seconds: Double) -> Ending {
        var status: Int32 = 0
        let ended = poll(seconds: seconds) { waitpid(pid, &status, WNOHANG) == pid }
        if !ended {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            return .hung
        }
        return status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
    }
}

/// Checks `condition` every millisecond until it holds or `seconds` have passed: an event
/// waited for with a bound, not a sleep that hopes it happened.
func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.nanoseconds() &+ UInt64(seconds * 1e9)
    while true {
        if condition() { return true }
        if MonotonicClock.nanoseconds() > deadline { return false }
        usleep(1000)
    }
}
