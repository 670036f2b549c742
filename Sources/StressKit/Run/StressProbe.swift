import Pool

/// The stress driver's probe: traces every point for the watchdog, adds noise, checks the
/// per-job invariants and fires the armed fault (see `ProbeRecord`).
public struct StressProbe: PoolProbe {
    public let record: ProbeRecord

    public init(record: ProbeRecord) { self.record = record }

    public func reach(_ point: ProbePoint, thread: Int, value: UInt64) throws(InjectedFailure) {
        #if Exploration
        // Every probe point is a scheduling point of `stress --explore` (docs/EXPLORATION.md).
        Exploration.probePoint(point, thread: thread, value: value)
        #endif
        try record.reach(point, thread: thread, value: value)
    }
}
