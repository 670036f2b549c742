import Pool
import Synchronization

/// The run's counters, shared by every caller thread, the watchdog and the final report.
///
/// Every counter is an atomic with relaxed increments: they are tallies, read for progress
/// lines and for the summary after the caller threads are joined (the join orders them).
public final class StressStatistics: @unchecked Sendable {
    public let jobs = Atomic<UInt64>(0)
    public let faultsInjected = Atomic<UInt64>(0)
    /// Failures that surfaced as the right `PoolError.threadFailed`, and the pool then refused jobs.
    public let stopsPropagated = Atomic<UInt64>(0)
    public let faultsNotReached = Atomic<UInt64>(0)
    public let poolsCreated = Atomic<UInt64>(0)
    public let episodes = Atomic<UInt64>(0)
    public let worstLatency = Atomic<UInt64>(0)

    /// Jobs per (scheduler, thread count): index scheduler * (maximumThreads + 1) + threads.
    let perConfiguration: UnsafeMutablePointer<Atomic<UInt64>>
    static let configurationColumns = ThreadPoolLimits.maximumThreads + 1
    /// Faults fired per (kind, point); the point index after the last point is "in the share".
    let perFault: UnsafeMutablePointer<Atomic<UInt64>>
    static let pointColumns = ProbePoint.allCases.count + 1
    /// Latency histogram: bucket b holds latencies in [2^(b/4), 2^((b+1)/4)) ns.
    let latencyBuckets: UnsafeMutablePointer<Atomic<UInt64>>
    static let bucketCount = 4 * 40
    /// Jobs per reducer, indexed as `ReducerKind.allCases`.
    let perReducer: UnsafeMutablePointer<Atomic<UInt64>>

    public init() {
        let configurationCount = SchedulerKind.allCases.count * Self.configurationColumns
        perConfiguration = .allocate(capacity: configurationCount)
        for index in 0..<configurationCount { (perConfiguration + index).initialize(to: Atomic(0)) }
        let faultCount = FaultKind.allCases.count * Self.pointColumns
        perFault = .allocate(capacity: faultCount)
        for index in 0..<faultCount { (perFault + index).initialize(to: Atomic(0)) }
        latencyBuckets = .allocate(capacity: Self.bucketCount)
        for index in 0..<Self.bucketCount { (latencyBuckets + index).initialize(to: Atomic(0)) }
        perReducer = .allocate(capacity: ReducerKind.allCases.count)
        for index in ReducerKind.allCases.indices { (perReducer + index).initialize(to: Atomic(0)) }
    }

    deinit {
        perConfiguration.deallocate()
        perFault.deallocate()
        latencyBuckets.deallocate()
        perReducer.deallocate()
    }

    /// One job finished (either way) on a pool of `threads` threads, taking `nanoseconds`.
    public func jobDone(scheduler: SchedulerKind, threads: Int, nanoseconds: UInt64) {
        jobs.wrappingAdd(1, ordering: .relaxed)
        let column = SchedulerKind.allCases.firstIndex(of: scheduler)! * Self.configurationColumns + threads
        perConfiguration[column].wrappingAdd(1, ordering: .relaxed)
        latencyBuckets[Self.bucket(for: nanoseconds)].wrappingAdd(1, ordering: .relaxed)
        var worst = worstLatency.load(ordering: .relaxed)
        while nanoseconds > worst {
            let (exchanged, current) = worstLatency.compareExchange(expected: worst, desired: nanoseconds, ordering: .relaxed)
            if exchanged { break }
            worst = current
        }
    }

    /// One job finished (either way) on a pool with `reducer`.
    public func reducerJobDone(_ reducer: ReducerKind) {
        perReducer[ReducerKind.allCases.firstIndex(of: reducer)!].wrappingAdd(1, ordering: .relaxed)
    }

    /// (reducer, jobs) for every reducer that ran.
    public var reducers: [(reducer: ReducerKind, jobs: UInt64)] {
        ReducerKind.allCases.indices.compactMap { index in
            let count = perReducer[index].load(ordering: .relaxed)
            return count > 0 ? (ReducerKind.allCases[index], count) : nil
        }
    }

    public func faultFired(_ kind: FaultKind, point: ProbePoint?) {
        faultsInjected.wrappingAdd(1, ordering: .relaxed)
        let column = point.map { Int($0.rawValue) } ?? ProbePoint.allCases.count
        perFault[FaultKind.allCases.firstIndex(of: kind)! * Self.pointColumns + column].wrappingAdd(1, ordering: .relaxed)
    }

    static func bucket(for nanoseconds: UInt64) -> Int {
        if nanoseconds < 2 { return 0 }
        let log2 = 63 - nanoseconds.leadingZeroBitCount
        // The two bits below the leading one pick the quarter-octave.
        let quarter = log2 >= 2 ? Int((nanoseconds >> (log2 - 2)) & 3) : 0
        return min(Self.bucketCount - 1, log2 * 4 + quarter)
    }

    /// Upper bound (ns) of a bucket.
    static func bucketLimit(_ bucket: Int) -> UInt64 {
        let log2 = bucket / 4
        let quarter = UInt64(bucket % 4)
        if log2 < 2 { return UInt64(1) << (log2 + 1) }
        return (UInt64(1) << log2) + (quarter + 1) * (UInt64(1) << (log2 - 2))
    }

    /// Latency percentile (0 ... 1) in nanoseconds, from the histogram (within 19%).
    public func latencyPercentile(_ fraction: Double) -> UInt64 {
        var counts: [UInt64] = []
        for bucket in 0..<Self.bucketCount { counts.append(latencyBuckets[bucket].load(ordering: .relaxed)) }
        let total = counts.reduce(0, +)
        if total == 0 { return 0 }
        let wanted = UInt64((Double(total) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for (bucket, count) in counts.enumerated() {
            seen += count
            if seen >= max(1, wanted) { return Self.bucketLimit(bucket) }
        }
        return worstLatency.load(ordering: .relaxed)
    }

    /// (scheduler, threads, jobs) for every configuration that ran.
    public var configurations: [(scheduler: SchedulerKind, threads: Int, jobs: UInt64)] {
        var rows: [(SchedulerKind, Int, UInt64)] = []
        for (schedulerIndex, scheduler) in SchedulerKind.allCases.enumerated() {
            for threads in 1..<Self.configurationColumns {
                let count = perConfiguration[schedulerIndex * Self.configurationColumns + threads].load(ordering: .relaxed)
                if count > 0 { rows.append((scheduler, threads, count)) }
            }
        }
        return rows
    }

    /// (kind, point label, count) for every fault that fired.
    public var faults: [(kind: FaultKind, point: String, count: UInt64)] {
        var rows: [(FaultKind, String, UInt64)] = []
        for (kindIndex, kind) in FaultKind.allCases.enumerated() {
            for column in 0..<Self.pointColumns {
                let count = perFault[kindIndex * Self.pointColumns + column].load(ordering: .relaxed)
                if count > 0 {
                    let label = column < ProbePoint.allCases.count ? "\(ProbePoint(rawValue: UInt8(column))!)" : "share"
                    rows.append((kind, label, count))
                }
            }
        }
        return rows
    }
}
