import Pool

/// The kinds of fault the plan injects.
public enum FaultKind: String, CaseIterable, Sendable, Hashable {
    /// The thread's share throws `ShareFault`: the job must fail naming that thread.
    case shareThrow = "throw-in-share"
    /// The probe throws `InjectedFailure` at a protocol point: the job fails, unless the
    /// point comes after the thread's contribution (then the next job fails).
    case protocolThrow = "throw-at-point"
    /// The probe sleeps for milliseconds at a point, and the caller idles before the job:
    /// the other threads exhaust their spin and park. The job must still succeed.
    case longStall = "long-stall"
    /// The probe wakes every parked thread of the pool without a job. Must be harmless.
    case spuriousWake = "spurious-wake"

    /// Whether this fault stops the pool.
    public var stopsPool: Bool { self == .shareThrow || self == .protocolThrow }
}

/// One planned fault: on `thread`, at `point` (the share for `.shareThrow`).
public struct PlannedFault: Sendable, Hashable {
    public var kind: FaultKind
    public var thread: Int
    public var point: ProbePoint
    /// For `.longStall`: how long the probe sleeps, and the caller idles before the job.
    public var stallMicroseconds: UInt32

    public init(kind: FaultKind, thread: Int, point: ProbePoint, stallMicroseconds: UInt32) {
        self.kind = kind
        self.thread = thread
        self.point = point
        self.stallMicroseconds = stallMicroseconds
    }

    /// "throw-at-point@lock taken/t2", for reports.
    public var label: String {
        kind == .shareThrow ? "\(kind.rawValue)@share/t\(thread)" : "\(kind.rawValue)@\(point)/t\(thread)"
    }
}

/// What a share throws when a `.shareThrow` fault fires.
public struct ShareFault: Error, Hashable, Sendable, CustomStringConvertible {
    public var thread: Int
    public var tag: UInt64
    public init(thread: Int, tag: UInt64) {
        self.thread = thread
        self.tag = tag
    }
    public var description: String { "injected share failure on thread \(thread) (tag \(tag))" }
}
