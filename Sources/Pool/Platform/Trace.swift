import Glibc

/// The protocol's state-change log, in the spirit of the book's logger (docs/ORIGIN.md).
///
/// Release builds compile it out: `log` is empty and its message is an autoclosure that is
/// never built. Debug builds log only when the environment variable `POOL_TRACE` is set
/// (to anything but `0`), because a busy pool writes a line per transition per thread.
/// Each line: monotonic time in µs, the thread's pool index, the transition.
@usableFromInline package enum PoolTrace {
    #if DEBUG
    @usableFromInline package static let isEnabled: Bool = {
        guard let value = getenv("POOL_TRACE") else { return false }
        return String(cString: value) != "0"
    }()
    #else
    @usableFromInline package static var isEnabled: Bool { false }
    #endif

    @inlinable @inline(__always)
    package static func log(_ thread: Int, _ message: @autoclosure () -> String) {
        #if DEBUG
        if isEnabled { write(thread, message()) }
        #endif
    }

    @usableFromInline
    static func write(_ thread: Int, _ message: String) {
        let micros = MonotonicClock.nanoseconds() / 1000
        StandardError.write("[pool \(micros) µs] thread \(thread): \(message)\n")
    }
}

