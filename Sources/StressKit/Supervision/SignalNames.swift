import Glibc

/// Names and meanings of the signals a report may name.
enum SignalNames {
    /// "SIGILL", or "signal 42".
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGSEGV: "SIGSEGV"
        case SIGKILL: "SIGKILL"
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGQUIT: "SIGQUIT"
        case SIGPIPE: "SIGPIPE"
        default: "signal \(signal)"
        }
    }

    /// What the signal usually means for this program.
    static func meaning(_ signal: Int32) -> String {
        switch signal {
        case SIGILL, SIGTRAP: "a trap: a failed precondition, fatalError, an overflow or another Swift runtime check (a release build prints no message)"
        case SIGABRT: "an abort: abort() in C code (a failed assert, a heap corruption glibc noticed), or kill -ABRT"
        case SIGBUS: "a bus error: a misaligned or truncated mapping"
        case SIGSEGV: "a segmentation fault: an invalid memory access, or a stack overflow"
        case SIGFPE: "an arithmetic exception"
        case SIGKILL: "killed from outside (the OOM killer, a timeout, kill -9)"
        default: String(cString: strsignal(signal))
        }
    }
}
