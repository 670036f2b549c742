import Pool

/// One way of running "count to N" that the bench compares against sequential counting.
///
/// Contract: `measure` runs `warmupJobs` untimed jobs and then `jobs` timed jobs of size
/// `target`, back to back, on whatever thread the variant needs (a pinned variant moves to a
/// pinned helper thread), and returns the timed jobs' wall time. Every job's result is
/// checked: a variant that miscounts stops the bench (`BenchFailure.wrongResult`), because a
/// fast wrong answer is no benchmark. `quiesce` returns once the variant's own threads have
/// stopped using CPU (pool workers parked), so that the next variant measured starts on a
/// quiet machine. Variants are used from one thread at a time.
protocol JobVariant: AnyObject {
    /// Short, stable name used in the table, the CSV and the plot ("futex/2/pin").
    var name: String { get }
    /// Threads the variant computes on, the caller included (1 for sequential).
    var threadCount: Int { get }
    /// What kind of variant it is, for derived figures and grouping.
    var kind: VariantKind { get }
    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64
    func quiesce()
}

extension JobVariant {
    func quiesce() {}
}

/// The families the bench compares.
enum VariantKind: Equatable {
    case sequential
    /// The hand-off floor (`FloorVariant`): what every pool's cost is a ratio to.
    case floor(pinned: Bool)
    /// The floor with one step of a pool added (`FloorVariant` with a `FloorStep`): not a
    /// floor itself, but compared with one, it prices that one step.
    case floorWithStep(FloorStep)
    /// A `ThreadPool`; `scheduler` and `reducer` are its blocks' names, `probe` whether it
    /// carries the non-inlined `CallProbe` (the probe-cost comparison) instead of `NoProbe`.
    case pool(scheduler: String, reducer: String, pinned: Bool, probe: Bool)
    case concurrentPerform
    case taskGroup
    case threadPerJob

    var isFloor: Bool {
        if case .floor = self { return true }
        return false
    }

    /// Whether the variant's threads are pinned.
    var isPinned: Bool {
        switch self {
        case .pool(_, _, let pinned, _), .floor(let pinned): pinned
        default: false
        }
    }

    var isPool: Bool {
        if case .pool = self { return true }
        return false
    }
}

/// Why the bench stops with a failure (exit 1), as opposed to a usage error (exit 64).
enum BenchFailure: Error, CustomStringConvertible {
    case wrongResult(variant: String, target: UInt64, got: UInt64)
    case poolFailed(variant: String, error: any Error)
    case dishonestCounter(String)
    case output(path: String, reason: String)

    var description: String {
        switch self {
        case .wrongResult(let variant, let target, let got):
            "\(variant) counted to \(target) but returned \(got)"
        case .poolFailed(let variant, let error):
            "\(variant): the pool failed: \(error)"
        case .dishonestCounter(let detail):
            "honest-counter check FAILED: \(detail)"
        case .output(let path, let reason):
            "cannot write \(path): \(reason)"
        }
    }
}

/// Stops the bench on a broken variant: the numbers after it would be meaningless.
func checkTotal(_ total: UInt64, jobs: Int, target: UInt64, variant: String) {
    let expected = UInt64(jobs) &* target
    if total != expected {
        fatalError("\(BenchFailure.wrongResult(variant: variant, target: expected, got: total))")
    }
}

/// The common measurement loop: `warmupJobs` untimed jobs, then `jobs` timed ones, every
/// result checked. Inlined, so the job closure costs no call.
@inline(__always)
func timeJobs(variant: String, target: UInt64, warmupJobs: Int, jobs: Int, _ job: () -> UInt64) -> UInt64 {
    var total: UInt64 = 0
    for _ in 0..<warmupJobs { total &+= job() }
    checkTotal(total, jobs: warmupJobs, target: target, variant: variant)
    total = 0
    let start = MonotonicClock.nanoseconds()
    for _ in 0..<jobs { total &+= job() }
    let elapsed = MonotonicClock.nanoseconds() &- start
    checkTotal(total, jobs: jobs, target: target, variant: variant)
    return elapsed
}
