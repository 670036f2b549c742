import Glibc
import Pool

/// Proves that the sequential kernel really counts: its time must grow linearly with N.
///
/// An optimiser that folded `CountingWork.count(to:)` into `return N` (or vectorised it)
/// would make every "speed-up" in the bench a lie. The check times the kernel at
/// N = 2^14 ... 2^24 and requires a log-log slope within 0.85 ... 1.15, per-iteration times
/// within a factor 2 of each other, and at least 0.05 ns per iteration (20 G/s, far above
/// one increment per cycle). The bounds leave room for this noisy 2-vCPU guest, and a
/// failing judgement is retried twice (noise passes, a folded loop never does); a folded
/// kernel has a slope near 0. It first runs itself on a deliberately folded kernel and
/// requires that one to FAIL, so the check is shown to fire every time it runs.
enum HonestCounterCheck {
    struct Judgement {
        var passed: Bool
        var slope: Double
        var nanosecondsPerIteration: [Double]
        var detail: String
    }

    static let exponents = [14, 16, 18, 20, 22, 24]

    /// Runs the self-test, then the real check. Throws if either goes the wrong way.
    static func run() throws(BenchFailure) -> Judgement {
        let folded = judge(kernel: foldedKernel)
        if folded.passed {
            throw .dishonestCounter("the check itself is broken: it accepted a folded kernel (\(folded.detail))")
        }
        var honest = judge(kernel: standardKernel)
        for _ in 0..<2 where !honest.passed { honest = judge(kernel: standardKernel) }
        if !honest.passed { throw .dishonestCounter(honest.detail) }
        return honest
    }

    @inline(never)
    static func standardKernel(_ target: UInt64) -> UInt64 { CountingWork.count(to: target) }

    /// The canary: what a folding optimiser would turn the counter into.
    @inline(never)
    static func foldedKernel(_ target: UInt64) -> UInt64 { target }

    static func judge(kernel: (UInt64) -> UInt64) -> Judgement {
        var perIteration: [Double] = []
        for exponent in exponents {
            let target = UInt64(1) << UInt64(exponent)
            var samples: [Double] = []
            for _ in 0..<7 {
                // At least ~1 ms per sample for an honest kernel; bounded jobs for any kernel.
                let jobs = max(1, (1 << 22) >> exponent)
                var total: UInt64 = 0
                let start = MonotonicClock.nanoseconds()
                for _ in 0..<jobs { total &+= kernel(target) }
                let elapsed = MonotonicClock.nanoseconds() &- start
                checkTotal(total, jobs: jobs, target: target, variant: "honest-counter check")
                samples.append(Double(elapsed) / Double(jobs))
            }
            // The fastest sample, not the median: noise from other processes only ever adds
            // time, and this check is about what the kernel costs, not about the machine.
            perIteration.append(samples.min()! / Double(target))
        }
        // Least-squares slope of log2(time) against log2(N).
        let logTargets = exponents.map(Double.init)
        let logTimes = zip(exponents, perIteration).map { exponent, nanoseconds in
            log2(max(nanoseconds, 1e-6) * Double(UInt64(1) << UInt64(exponent)))
        }
        let meanX = logTargets.reduce(0, +) / Double(logTargets.count)
        let meanY = logTimes.reduce(0, +) / Double(logTimes.count)
        var covariance = 0.0
        var variance = 0.0
        for (logTarget, logTime) in zip(logTargets, logTimes) {
            covariance += (logTarget - meanX) * (logTime - meanY)
            variance += (logTarget - meanX) * (logTarget - meanX)
        }
        let slope = covariance / variance
        let fastest = perIteration.min()!
        let slowest = perIteration.max()!
        var problems: [String] = []
        if !(0.85...1.15).contains(slope) { problems.append("log-log slope \(format(slope, digits: 3)) is not within 0.85 ... 1.15") }
        if slowest > fastest * 2 { problems.append("ns per iteration vary from \(format(fastest, digits: 3)) to \(format(slowest, digits: 3))") }
        if fastest < 0.05 { problems.append("\(format(fastest, digits: 4)) ns per iteration is faster than counting can be") }
        let figures = zip(exponents, perIteration).map { "2^\($0): \(format($1, digits: 3))" }.joined(separator: ", ")
        let detail = (problems.isEmpty ? "linear" : problems.joined(separator: "; ")) + " [ns/iteration \(figures)]"
        return Judgement(passed: problems.isEmpty, slope: slope, nanosecondsPerIteration: perIteration, detail: detail)
    }
}
