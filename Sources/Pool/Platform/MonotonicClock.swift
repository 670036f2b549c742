import Glibc

/// Nanoseconds from CLOCK_MONOTONIC. Read through the vDSO: about 20 ns, no syscall.
///
/// Used by spin waits (to bound their yield phase) and by deadlines. Not `ContinuousClock`,
/// because its `Instant` arithmetic goes through `Duration`'s 128-bit math on every check.
@usableFromInline package enum MonotonicClock {
    @inlinable
    package static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}

extension Duration {
    /// This duration in whole nanoseconds, clamped to 0 ... UInt64.max.
    @inlinable
    package var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}
