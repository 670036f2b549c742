import CPoolSupport
import Glibc
import Pool
import PoolSupport
import Synchronization

/// The hand-off floor: the least a correct fork-join hand-off can do, measured beside the
/// pools so that each pool's cost reads as a ratio to it.
///
/// The caller publishes a job word (a sequence number, with the target on the same line) and
/// computes share 0; each worker spins on the job word, computes its share, and publishes a
/// done word (the sequence, with its result on the same line); the caller spins on each done
/// word and sums. Release/acquire on the two words, nothing else: per job one line travels to
/// each worker and one back. No stop, no failure, no parking, no probes, no generic layers:
/// what a pool adds on top is what its ratio to the floor measures.
///
/// Isolation: the floor's threads spin without end, which would steal the CPU from every
/// other variant's samples. So `measure` creates its workers, runs the warm-up and the timed
/// jobs, and ends and joins them before it returns: between two of its samples, and during
/// every other variant's, no floor thread exists. (Thread creation happens before the
/// warm-up jobs, outside the timed part.)
///
/// Spinning: a check and a pause hint, and after `SpinPolicy.default`'s busy checks a check
/// and a `sched_yield`: the pools' spin shape with their default policy. While caller and
/// worker own a CPU each the yield never happens; when another process takes a CPU from them,
/// the floor degrades as the pools do instead of spinning through whole time slices, so that
/// the ratio still measures the protocol, not the spin.
final class FloorVariant: JobVariant {
    let name: String
    let threadCount: Int
    let kind = VariantKind.floor

    /// The job line: sequence (atomic) at offset 0, target (plain) at offset 8.
    private let jobLine: UnsafeMutableRawPointer
    /// One done line per thread (entry 0 unused): sequence (atomic) at 0, result (plain) at 8.
    private let doneLines: [UnsafeMutableRawPointer]
    private var sequence: UInt64 = 0
    /// The sequence that tells the workers to exit.
    private static let exitSequence = UInt64.max

    init(threadCount: Int) {
        self.threadCount = threadCount
        name = "floor/\(threadCount)"
        jobLine = Self.allocateLine()
        doneLines = (0..<threadCount).map { _ in Self.allocateLine() }
    }

    deinit {
        jobLine.deallocate()
        for line in doneLines { line.deallocate() }
    }

    private static func allocateLine() -> UnsafeMutableRawPointer {
        let line = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        line.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
        line.bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        return line
    }

    private static func sequenceWord(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt64>> {
        line.assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    private static func payload(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt64> {
        (line + 8).assumingMemoryBound(to: UInt64.self)
    }

    /// Checks before a waiting thread starts yielding: the busy phase of `SpinPolicy.default`.
    private static let busyChecks = SpinPolicy.default.busyChecks

    /// Spins until `word` holds what `expected` accepts: a check, then a pause, `busyChecks`
    /// times; after that a check, then `sched_yield` (see the type's comment).
    @inline(__always)
    private static func spin(until word: UnsafeMutablePointer<Atomic<UInt64>>, holds expected: (UInt64) -> Bool) -> UInt64 {
        var checks = 0
        while true {
            // acquire: pairs with the writer's releasing store; the payload is read after it.
            let value = word.pointee.load(ordering: .acquiring)
            if expected(value) { return value }
            if checks < busyChecks {
                cpool_cpu_relax()
                checks &+= 1
            } else {
                sched_yield()
            }
        }
    }

    private func startWorkers() -> [NamedThread] {
        let threadCount = self.threadCount
        let job = SendableLine(jobLine)
        let start = sequence
        return (1..<threadCount).map { thread in
            let done = SendableLine(doneLines[thread])
            return NamedThread.startOrDie(name: "bench-floor-\(thread)") {
                var seen = start
                while true {
                    let current = Self.spin(until: Self.sequenceWord(job.line)) { $0 != seen }
                    if current == Self.exitSequence { return }
                    seen = current
                    let target = Self.payload(job.line).pointee
                    let share = Share.of(thread: thread, threadCount: threadCount, target: target)
                    Self.payload(done.line).pointee = CountingWork.count(to: share.count)
                    // release: publishes the result to the caller's acquiring spin.
                    Self.sequenceWord(done.line).pointee.store(current, ordering: .releasing)
                }
            }
        }
    }

    @inline(__always)
    private func job(target: UInt64) -> UInt64 {
        sequence &+= 1
        let current = sequence
        Self.payload(jobLine).pointee = target
        // release: publishes the target to the workers' acquiring spins.
        Self.sequenceWord(jobLine).pointee.store(current, ordering: .releasing)
        var total = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
        for thread in 1..<threadCount {
            let line = doneLines[thread]
            _ = Self.spin(until: Self.sequenceWord(line)) { $0 == current }
            total &+= Self.payload(line).pointee
        }
        return total
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        let workers = startWorkers()
        let elapsed = timeJobs(variant: name, target: target, warmupJobs: max(warmupJobs, 2), jobs: jobs) { job(target: target) }
        // release: the workers' acquiring spin sees it and exits; every job above is done.
        Self.sequenceWord(jobLine).pointee.store(Self.exitSequence, ordering: .releasing)
        for worker in workers { worker.join() }
        // Back to a sequence the next workers start from (they see the exit value as "seen").
        Self.sequenceWord(jobLine).pointee.store(sequence, ordering: .relaxed)
        return elapsed
    }
}

/// A line handed to a worker thread; the protocol above orders every access.
private struct SendableLine: @unchecked Sendable {
    let line: UnsafeMutableRawPointer
    init(_ line: UnsafeMutableRawPointer) { self.line = line }
}
