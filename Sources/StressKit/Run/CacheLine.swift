/// The probe's per-thread memory is laid out one 64-byte cache line per thread: the thread
/// traces, the noise generators, the witness slots (and the caller's job descriptor on a
/// line of its own). Each line is written by one thread only, so probe points never
/// bounce a line between threads, which would slow them down and change the very timing
/// the stress driver explores.
@usableFromInline
enum CacheLine {
    /// UInt64 words in one 64-byte cache line: the stride between two threads' data.
    @inlinable static var words: Int { 8 }
}
