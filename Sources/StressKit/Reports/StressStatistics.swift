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

extension StressStatistics {
    /// The named counters' values, in the order of their shared words.
    private var namedCounterValues: [UInt64] {
        // relaxed, all: see `copy(to:)`.
        [jobs.load(ordering: .relaxed), faultsInjected.load(ordering: .relaxed), stopsPropagated.load(ordering: .relaxed),
         faultsNotReached.load(ordering: .relaxed), poolsCreated.load(ordering: .relaxed), episodes.load(ordering: .relaxed),
         worstLatency.load(ordering: .relaxed)]
    }

    private static let namedCounterCount = 7

    /// The sizes of the tables, in the order of their shared words.
    private static var tableSizes: [Int] {
        [SchedulerKind.allCases.count * configurationColumns, FaultKind.allCases.count * pointColumns, bucketCount,
         ReducerKind.allCases.count]
    }

    private var tables: [(words: UnsafeMutablePointer<Atomic<UInt64>>, count: Int)] {
        Array(zip([perConfiguration, perFault, latencyBuckets, perReducer], Self.tableSizes))
    }

    /// Words in the shared copy (`SharedRunState`): the named counters, then each table.
    static var sharedWordCount: Int { namedCounterCount + tableSizes.reduce(0, +) }

    /// Copies every counter to `words` (`sharedWordCount` of them): the watchdog publishes
    /// them for the supervisor. relaxed, all: tallies, read by the supervisor only after
    /// the driver died (or as a torn snapshot nobody acts on).
    func copy(to words: UnsafeMutablePointer<Atomic<UInt64>>) {
        var index = 0
        for value in namedCounterValues {
            words[index].store(value, ordering: .relaxed)
            index += 1
        }
        for table in tables {
            for offset in 0..<table.count {
                words[index].store(table.words[offset].load(ordering: .relaxed), ordering: .relaxed)
                index += 1
            }
        }
    }

    /// Sets every counter from a shared copy (`copy(to:)`): the supervisor's view of a driver
    /// that died. relaxed, all: as in `copy(to:)`.
    func load(from words: UnsafeMutablePointer<Atomic<UInt64>>) {
        jobs.store(words[0].load(ordering: .relaxed), ordering: .relaxed)
        faultsInjected.store(words[1].load(ordering: .relaxed), ordering: .relaxed)
        stopsPropagated.store(words[2].load(ordering: .relaxed), ordering: .relaxed)
        faultsNotReached.store(words[3].load(ordering: .relaxed), ordering: .relaxed)
        poolsCreated.store(words[4].load(ordering: .relaxed), ordering: .relaxed)
        episodes.store(words[5].load(ordering: .relaxed), ordering: .relaxed)
        worstLatency.store(words[6].load(ordering: .relaxed), ordering: .relaxed)
        var index = Self.namedCounterCount
        for table in tables {
            for offset in 0..<table.count {
                table.words[offset].store(words[index].load(ordering: .relaxed), ordering: .relaxed)
                index += 1
            }
        }
    }
}
