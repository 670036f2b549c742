import Pool

/// Measures every variant at every N, interleaved: for each N, repetition r runs one sample
/// of every variant, in an order rotated by r, so that slow phases of a noisy machine hit
/// all variants alike. Each sample is a batch of back-to-back jobs sized to about
/// `sampleNanoseconds` of wall time, preceded by untimed warm-up jobs (which also wake
/// parked pool workers); after it the variant quiesces, so its spinning threads do not
/// steal the CPU from the next variant's sample.
struct InterleavedRun {
    let variants: [any JobVariant]
    let exponents: [Int]
    let repetitions: Int
    /// Repetitions once some variant's job takes over 20 ms (quick mode keeps this small:
    /// those N dominate the run time, and their samples vary least).
    let repetitionsForLongJobs: Int
    let sampleNanoseconds: UInt64
    /// Progress lines go to stderr (the table goes to stdout).
    var progress: Bool = true

    /// summaries[variant][exponent index]
    func run() -> [[Summary]] {
        var summaries = Array(repeating: [Summary](), count: variants.count)
        var estimates = Array(repeating: 0.0, count: variants.count)
        for exponent in exponents {
            let target = UInt64(1) << UInt64(exponent)
            let started = MonotonicClock.nanoseconds()
            var jobsPerSample = [Int](repeating: 1, count: variants.count)
            var warmups = [Int](repeating: 0, count: variants.count)
            for (index, variant) in variants.enumerated() {
                // Doubling N at most doubles the time: skip calibration once one job fills a sample.
                let extrapolated = estimates[index] * 2
                if extrapolated < Double(sampleNanoseconds) {
                    estimates[index] = calibrate(variant, target: target)
                } else {
                    estimates[index] = extrapolated
                }
                let perJob = max(estimates[index], 1)
                jobsPerSample[index] = max(1, min(1_000_000, Int(Double(sampleNanoseconds) / perJob)))
                // Warm-up wakes parked workers and warms caches; pointless once a job takes ms.
                warmups[index] = perJob < 2_000_000 ? max(2, min(jobsPerSample[index] / 8, 64)) : 0
            }
            var samples = Array(repeating: [Double](), count: variants.count)
            let isLong = estimates.contains { $0 > 20_000_000 }
            for repetition in 0..<(isLong ? min(repetitions, repetitionsForLongJobs) : repetitions) {
                for step in 0..<variants.count {
                    let index = (step + repetition) % variants.count
                    let variant = variants[index]
                    let elapsed = variant.measure(target: target, warmupJobs: warmups[index], jobs: jobsPerSample[index])
                    samples[index].append(Double(elapsed) / Double(jobsPerSample[index]))
                    variant.quiesce()
                }
            }
            for index in variants.indices { summaries[index].append(Summary(samples[index])) }
            if progress {
                let seconds = Double(MonotonicClock.nanoseconds() &- started) / 1e9
                StandardError.write("bench: N = 2^\(exponent) done in \(format(seconds, digits: 2)) s\n")
            }
        }
        return summaries
    }

    /// Nanoseconds per job: a growing batch until it lasts 20 µs (or one job is long).
    private func calibrate(_ variant: any JobVariant, target: UInt64) -> Double {
        var jobs = 1
        while true {
            let elapsed = variant.measure(target: target, warmupJobs: 1, jobs: jobs)
            if elapsed >= 20_000 || jobs >= 1 << 16 {
                variant.quiesce()
                return Double(elapsed) / Double(jobs)
            }
            jobs *= 4
        }
    }
}
