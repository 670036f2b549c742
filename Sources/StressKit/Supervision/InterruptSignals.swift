import Glibc

/// SIGINT and SIGTERM in the stress driver: blocked in every thread, and taken by the
/// watchdog at its poll (`wait(microseconds:)`), never by a handler.
///
/// Why blocked rather than handled: a handler runs on whichever thread the kernel picks,
/// possibly a pool worker in the middle of the protocol, and may do almost nothing there;
/// and a signal delivered to a worker parked in a futex wait would wake it (EINTR), which is
/// not what an interrupt means. Blocked in the thread that starts the run, before any other
/// thread exists, the signals stay blocked in every thread it creates (callers, workers, the
/// watchdog); the kernel keeps them pending for the process until the watchdog collects them
/// with `sigtimedwait`. The supervisor starts the driver with them already blocked, so that
/// not even its start-up can be killed by one.
enum InterruptSignals {
    static let signals: [Int32] = [SIGINT, SIGTERM]

    static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    /// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it creates.
    /// Also restores their default action if they were ignored: an ignored signal is
    /// discarded when it is sent, even while blocked, and `sigtimedwait` would never see it
    /// (a launcher may start us with them ignored; a shell does for background jobs).
    static func block() {
        var set = Self.set
        pthread_sigmask(SIG_BLOCK, &set, nil)
        for signal in signals {
            var action = sigaction()
            let ignore = unsafeBitCast(SIG_IGN, to: UInt.self)
            if sigaction(signal, nil, &action) == 0,
               let handler = action.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: UInt.self) == ignore {
                Glibc.signal(signal, SIG_DFL)
            }
        }
    }

    /// Waits up to `microseconds` for a pending SIGINT or SIGTERM; returns it, or nil.
    static func wait(microseconds: UInt32) -> Int32? {
        var set = Self.set
        var timeout = timespec(tv_sec: Int(microseconds / 1_000_000), tv_nsec: Int(microseconds % 1_000_000) * 1000)
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }
}
