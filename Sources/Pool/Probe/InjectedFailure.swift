/// A failure that a probe throws at a probe point, to test failure propagation.
///
/// The pool treats it like any other failure of that thread: locks it holds are released,
/// stop is raised, and the job throws `PoolError.threadFailed` naming the thread.
public struct InjectedFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var point: ProbePoint
    public var thread: Int
    /// Free for the injector: a job number, a fault id.
    public var tag: UInt64

    public init(point: ProbePoint, thread: Int, tag: UInt64 = 0) {
        self.point = point
        self.thread = thread
        self.tag = tag
    }

    public var description: String { "injected failure at \(point) on thread \(thread) (tag \(tag))" }
}
