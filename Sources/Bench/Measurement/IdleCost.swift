import CPoolSupport
import Glibc
import Pool

/// A variant whose threads can be watched until they park: the pools.
protocol ParkingVariant: JobVariant {
    var spinPolicy: SpinPolicy { get }
    func waitUntilParked(limitNanoseconds: UInt64) -> UInt64?
}

extension PoolVariant: ParkingVariant {}

/// The idle cost of a pool after its last job: how long its workers keep spinning (the
/// "spin tail"), then the process's user+sys CPU over an idle window once they have parked,
/// as a percentage of one CPU. About 0 is the target: an idle pool must not burn a core.
struct IdleCost {
    var variant: String
    /// Last job to every worker parked; nil if they had not parked within 2 s.
    var spinTailNanoseconds: UInt64?
    var cpuPercent: Double
    var windowSeconds: Double

    /// `others` are quiesced first so that only `variant`'s threads can be busy.
    static func measure(_ variant: any ParkingVariant, others: [any JobVariant], windowSeconds: Double) -> IdleCost {
        for other in others { other.quiesce() }
        _ = variant.measure(target: 1, warmupJobs: 0, jobs: 1_000)
        let tail = variant.waitUntilParked(limitNanoseconds: 2_000_000_000)
        let cpuBefore = cpool_process_cpu_time_ns()
        let wallBefore = MonotonicClock.nanoseconds()
        sleepIdle(seconds: windowSeconds)
        let cpuAfter = cpool_process_cpu_time_ns()
        let wall = Double(MonotonicClock.nanoseconds() &- wallBefore)
        let percent = Double(cpuAfter - cpuBefore) / wall * 100
        return IdleCost(variant: variant.name, spinTailNanoseconds: tail, cpuPercent: percent, windowSeconds: wall / 1e9)
    }
}

/// Sleeps for `seconds`, resuming after signals; the process does nothing meanwhile.
func sleepIdle(seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    // nanosleep may return early on a signal; it reports the rest, which we sleep again.
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
