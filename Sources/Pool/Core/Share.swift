/// One thread's part of a job: `count` consecutive items starting at `offset`.
///
/// Split as in the book: thread i gets `target / n` items, plus one if `i < target % n`.
/// Shares are contiguous, cover `0 ..< target` exactly, and differ in size by at most one.
@frozen
public struct Share: Sendable, Hashable, CustomStringConvertible {
    public var thread: Int
    public var threadCount: Int
    public var offset: UInt64
    public var count: UInt64

    @inlinable
    public init(thread: Int, threadCount: Int, offset: UInt64, count: UInt64) {
        self.thread = thread
        self.threadCount = threadCount
        self.offset = offset
        self.count = count
    }

    /// Thread `thread`'s share of `target` items split over `threadCount` threads.
    @inlinable
    public static func of(thread: Int, threadCount: Int, target: UInt64) -> Share {
        precondition(threadCount >= 1 && thread >= 0 && thread < threadCount,
                     "Share.of: thread \(thread) is not in 0 ..< \(threadCount)")
        let n = UInt64(threadCount)
        let index = UInt64(thread)
        let base = target / n
        let extra = target % n
        let count = base + (index < extra ? 1 : 0)
        let offset = index * base + min(index, extra)
        return Share(thread: thread, threadCount: threadCount, offset: offset, count: count)
    }

    public var description: String { "share \(thread)/\(threadCount): \(offset) ..< \(offset + count)" }
}
