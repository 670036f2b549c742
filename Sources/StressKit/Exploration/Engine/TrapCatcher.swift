#if Exploration
import Glibc
import Pool

/// Turns a trap on a controlled thread (a failed precondition, an overflow, a forced unwrap
/// of nil: the Swift runtime's `ud2`, SIGILL, or `brk`, SIGTRAP) into that schedule's
/// finding, so that a canary whose bug trips one of the pool's own preconditions is reported,
/// replayed and shrunk like any other finding, instead of ending the exploration.
///
/// The handler runs on the trapping thread, which holds the baton; it records the finding
/// with the runtime's message and ends the run's threads (`ScheduleRun.fail`), leaving the
/// handler through `pthread_exit`. A trap on any other thread gets the default action: the
/// process dies with the signal, as it would without the explorer.
///
/// Trade-off: the handler is not async-signal-safe (it allocates the finding). A trap is
/// raised by Swift code right after the runtime printed its message, never inside the
/// allocator, so the allocation is safe in practice; and the alternative, losing the
/// schedule with the process, is worse.
enum TrapCatcher {
    nonisolated(unsafe) private static var installed = false

    /// Installs the handler for SIGILL and SIGTRAP, once, before any controlled thread runs.
    static func install() {
        guard !installed else { return }
        installed = true
        for number in [SIGILL, SIGTRAP] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = trapped
            action.sa_flags = SA_SIGINFO | SA_NODEFER
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    /// The runtime's last fatal-error message ("...: Precondition failed: ..."), if it kept
    /// one (`swift_getFatalErrorMessageBuffer`, exported by the runtime on Linux).
    static func lastFatalErrorMessage() -> String? {
        typealias BufferFunction = @convention(c) () -> UnsafeMutablePointer<UnsafePointer<CChar>?>?
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "swift_getFatalErrorMessageBuffer") else { return nil }
        let buffer = unsafeBitCast(symbol, to: BufferFunction.self)
        guard let message = buffer()?.pointee else { return nil }
        let text = String(cString: message)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

private func trapped(_ number: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    if let run = Exploration.activeController as? ScheduleRun {
        let name = number == SIGILL ? "SIGILL" : "SIGTRAP"
        run.crashed("trapped (\(name)): \(TrapCatcher.lastFatalErrorMessage() ?? "no runtime message")")
    }
    // Not a controlled thread: die of the signal, as without the explorer.
    signal(number, SIG_DFL)
    raise(number)
}
#endif
