import Pool

/// The baseline: the caller counts to N alone with the standard kernel.
final class SequentialVariant: JobVariant {
    let name = "sequential"
    let threadCount = 1
    let kind = VariantKind.sequential

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        timeJobs(variant: name, target: target, warmupJobs: warmupJobs, jobs: jobs) { CountingWork.count(to: target) }
    }
}
