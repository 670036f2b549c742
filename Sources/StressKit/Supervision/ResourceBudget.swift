import Glibc
import PoolSupport

/// The footprint a correct run never exceeds while pools are created and destroyed: a
/// baseline sampled before the first pool, plus what the most threads the run can have at
/// once may legitimately hold. A pool that leaks anything per pool (a stack, a thread, a
/// mapping) crosses it after enough churn, however little it leaks each time.
///
/// Allowances over the baseline, for `liveThreads` threads at most (every caller's largest
/// pool, the callers, the watchdog, and four for the runtime: ThreadSanitizer's own thread):
/// - threads: `liveThreads`;
/// - mappings: two per thread stack (the stack and its guard page) for the live threads and
///   for glibc's cache of freed stacks (40 MiB of them are kept mapped for reuse), two per
///   malloc arena (glibc creates up to 8 per CPU, or `MALLOC_ARENA_MAX`), and 64 plus a
///   quarter of the baseline for libraries loaded late (the report's JSON encoder) and
///   allocators that map as they grow (ThreadSanitizer's: its baseline is about 4x larger,
///   and a 90 s TSan run grew 62 mappings over it, then stayed);
/// - address space: a stack and its guard page for the same threads and cached stacks,
///   64 MiB per arena (each reserves that much), and 256 MiB of slack;
/// - resident memory: 256 MiB, plus 1 MiB per live thread: a backstop for leaks of touched
///   memory (a leaked stack holds only the few pages its thread touched, so this bound is
///   the slowest to notice one; the mappings are the fastest).
///
/// A pool that never joins leaks two mappings and a whole stack of address space per worker
/// and per pool: the driver crosses the mapping bound within seconds (see README,
/// "never-joins"). The peaks are kept for the report, so that a clean run shows how close it
/// came.
public final class ResourceBudget: @unchecked Sendable {
    public let baseline: ProcessFootprint
    public let bound: ProcessFootprint
    /// The figures behind the allowances.
    public let liveThreads: UInt64
    public let stackBytes: UInt64
    public let cachedStacks: UInt64
    public let mallocArenas: UInt64

    /// Highest value of each measure seen by `check`; the watchdog writes it, the report
    /// reads it (a cold path: a few times a second).
    private let peakMutex = CheckedMutex()
    private var highest: ProcessFootprint

    /// glibc keeps up to this many bytes of freed thread stacks mapped for reuse.
    static let glibcStackCacheBytes: UInt64 = 40 * 1024 * 1024
    static let arenaReservationBytes: UInt64 = 64 * 1024 * 1024

    /// `callers` threads, each driving at most one pool of at most `maximumPoolThreads`
    /// threads (itself included) at a time; `helperThreads` more of the run's own (the
    /// watchdog).
    public init(baseline: ProcessFootprint, callers: Int, maximumPoolThreads: Int, helperThreads: Int) {
        self.baseline = baseline
        liveThreads = UInt64(callers * maximumPoolThreads + helperThreads + 4)
        stackBytes = Self.defaultStackBytes + UInt64(getpagesize())
        cachedStacks = Self.glibcStackCacheBytes / max(stackBytes, 1) + 1
        mallocArenas = Self.mallocArenaLimit
        let stacks = liveThreads + cachedStacks
        bound = ProcessFootprint(
            threads: baseline.threads + liveThreads,
            virtualBytes: baseline.virtualBytes + stacks * stackBytes + mallocArenas * Self.arenaReservationBytes + 256 * 1024 * 1024,
            residentBytes: baseline.residentBytes + 256 * 1024 * 1024 + liveThreads * 1024 * 1024,
            mappings: baseline.mappings + 2 * stacks + 2 * mallocArenas + 64 + baseline.mappings / 4)
        highest = baseline
    }

    /// The default pthread stack size (what the pool's workers get).
    static var defaultStackBytes: UInt64 {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        var size = 0
        pthread_attr_getstacksize(&attributes, &size)
        return UInt64(size)
    }

    /// glibc's arena limit: `MALLOC_ARENA_MAX`, else 8 per online CPU (on 64-bit).
    static var mallocArenaLimit: UInt64 {
        if let text = getenv("MALLOC_ARENA_MAX"), let limit = UInt64(String(cString: text)), limit > 0 { return limit }
        return 8 * UInt64(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The highest footprint seen so far (each measure's own peak).
    public var peak: ProcessFootprint { peakMutex.withLock { highest } }

    /// Records `sample`'s peaks; returns what crossed its bound, as a sentence, or nil.
    public func check(_ sample: ProcessFootprint) -> String? {
        peakMutex.withLock {
            highest = ProcessFootprint(threads: max(highest.threads, sample.threads),
                                       virtualBytes: max(highest.virtualBytes, sample.virtualBytes),
                                       residentBytes: max(highest.residentBytes, sample.residentBytes),
                                       mappings: max(highest.mappings, sample.mappings))
        }
        var crossed: [String] = []
        if sample.mappings > bound.mappings {
            crossed.append("\(sample.mappings) memory mappings (bound \(bound.mappings): \(baseline.mappings) at the start + \(bound.mappings - baseline.mappings))")
        }
        if sample.virtualBytes > bound.virtualBytes {
            crossed.append("VmSize \(mebibytes(sample.virtualBytes)) (bound \(mebibytes(bound.virtualBytes)): \(mebibytes(baseline.virtualBytes)) at the start + \(mebibytes(bound.virtualBytes - baseline.virtualBytes)))")
        }
        if sample.threads > bound.threads {
            crossed.append("\(sample.threads) threads (bound \(bound.threads): \(baseline.threads) at the start + \(liveThreads))")
        }
        if sample.residentBytes > bound.residentBytes {
            crossed.append("VmRSS \(mebibytes(sample.residentBytes)) (bound \(mebibytes(bound.residentBytes)))")
        }
        guard !crossed.isEmpty else { return nil }
        return crossed.joined(separator: "; ") + "; at most \(liveThreads) threads can be alive at once, each with a stack of "
            + "\(mebibytes(stackBytes)), plus \(cachedStacks) cached stacks and \(mallocArenas) malloc arenas: "
            + "something is kept per pool (threads that ended without a join keep their stacks mapped)"
    }
}
