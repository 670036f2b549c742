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
/// each worker and one back. No stop, no failure, no probes, no generic layers: what a pool
/// adds on top is what its ratio to the floor measures.
///
/// Spinning: a check and a pause hint, and after `SpinPolicy.default`'s busy checks a check
/// and a `sched_yield`: the pools' spin shape with their default policy. While caller and
/// worker own a CPU each the yield never happens; when another process takes a CPU from them,
/// the floor degrades as the pools do instead of spinning through whole time slices, so that
/// the ratio still measures the protocol, not the spin.
///
/// Isolation: the floor's workers spin without end while it runs jobs, which would steal the
/// CPU from every other variant's samples. So `quiesce` parks them in the kernel (the job word
/// takes a "pause" value; each worker then waits on a futex word until the next sample wakes
/// it), as the pools' workers park between samples: no floor thread spins during another
/// variant's samples, and the floor's workers come back from the kernel at the start of each
/// sample exactly as a pool's do. The workers start with the first sample and end with the
/// variant.
///
/// Locked publish (`floor/T/locked`): the caller publishes as `SequenceScheduler` does, with a
/// seq_cst compare-exchange of the job word and then a seq_cst load of a sleeper count on the
/// same line (the publisher's half of `ParkingWord`'s Dekker pair, which a pool whose workers
/// park needs). A plain releasing store leaves the caller free to compute its share while the
/// line travels; a locked instruction holds it until the line is its own. Its ratio to the
/// floor is what that one step costs (docs/BENCH.md, "Where the time goes").
///
/// Read before write (`floor/T/readfirst`): the caller reads the job word before it writes the
/// job line, and each worker reads its done word before it writes its done line, as the
/// standard pool did before it kept private copies (its caller read the job word to check stop
/// and to learn the sequence; its workers read their slot's sequence to number the next
/// contribution). The other thread spins on that line, so the read misses and the write then
/// upgrades: two round trips where the floor pays one. Its ratio to the floor is what that
/// costs (docs/BENCH.md, "Where the time goes").
///
/// Pinned (`floor/T/pin`), worker i pins itself to allowed CPU i and the caller runs on a
/// helper thread pinned to allowed CPU 0, as in a pinned pool: the floor without the luck of
/// where the kernel puts its threads. Unchecked Sendable: the pinned measurement runs on that
/// helper while the main thread waits in join; one thread at a time ever touches the variant.
final class FloorVariant: JobVariant, @unchecked Sendable {
    let name: String
    let threadCount: Int
    let kind: VariantKind
    private let cpus: [Int]?
    private let step: FloorStep?

    /// The job line: sequence (atomic) at offset 0, target (plain) at offset 8.
    private let jobLine: UnsafeMutableRawPointer
    /// One done line per thread (entry 0 unused): sequence (atomic) at 0, result (plain) at 8.
    private let doneLines: [UnsafeMutableRawPointer]
    /// The futex word parked workers wait on (bumped to resume them), and the count of
    /// parked workers, on a line of their own.
    private let parkLine: UnsafeMutableRawPointer
    private var sequence: UInt64 = 0
    private var workers: [NamedThread] = []
    private var parked = false

    /// A job word with this bit set tells the workers to park.
    private static let pauseBit: UInt64 = 1 << 62
    /// The job word that tells the workers to exit.
    private static let exitSequence = UInt64.max
    /// Checks before a waiting thread starts yielding: the busy phase of `SpinPolicy.default`.
    private static let busyChecks = SpinPolicy.default.busyChecks

    /// `step`: nil for the floor itself; otherwise the one step of a pool this floor adds, to
    /// price it (unpinned only).
    init(threadCount: Int, pinned: Bool = false, step: FloorStep? = nil) {
        precondition(!(pinned && step != nil), "FloorVariant: a floor with an added step is unpinned only")
        self.threadCount = threadCount
        self.step = step
        kind = step.map { .floorWithStep($0) } ?? .floor(pinned: pinned)
        name = "floor/\(threadCount)\(pinned ? "/pin" : "")\(step.map { "/\($0.rawValue)" } ?? "")"
        cpus = pinned ? CPUAffinity.allowedCPUs() : nil
        jobLine = Self.allocateLine()
        doneLines = (0..<threadCount).map { _ in Self.allocateLine() }
        parkLine = Self.allocateLine()
    }

    deinit {
        publish(Self.exitSequence)
        resumeParkedWorkers()
        for worker in workers { worker.join() }
        IsolatedPage.deallocate(jobLine)
        for line in doneLines { IsolatedPage.deallocate(line) }
        IsolatedPage.deallocate(parkLine)
    }

    private static func allocateLine() -> UnsafeMutableRawPointer {
        // A page each, as the pools' words (`IsolatedPage`): the floor's layout is the best one.
        let line = IsolatedPage.allocate()
        line.bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        return line
    }

    private static func sequenceWord(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt64>> {
        line.assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    private static func payload(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt64> {
        (line + 8).assumingMemoryBound(to: UInt64.self)
    }

    /// The park line's futex word (offset 0, 32 bits) and its parked-worker count (offset 64).
    private static func resumeWord(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        line.assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    private static func parkedCount(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<Int>> {
        (line + 64).bindMemory(to: Atomic<Int>.self, capacity: 1)
    }

    /// Spins until `word` holds what `expected` accepts: a check, then a pause hint,
    /// `busyChecks` times; after that a check, then `sched_yield` (see the type's comment).
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

    @inline(__always)
    private func publish(_ value: UInt64) {
        let word = Self.sequenceWord(jobLine)
        guard step == .lockedPublish else {
            // release: publishes the target to the workers' acquiring spins.
            word.pointee.store(value, ordering: .releasing)
            return
        }
        // relaxed: only the caller writes the job word.
        let current = word.pointee.load(ordering: .relaxed)
        // seq_cst, as `SequenceSteps.advanceSequence`: its release half publishes the target
        // to the workers' acquiring spins. It cannot fail: nobody else writes the word.
        _ = word.pointee.compareExchange(expected: current, desired: value,
                                         successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
        // seq_cst, as `ParkingWord.wakeAllIfSleeping`'s load of the sleeper count, on the job
        // line like `SequenceWords.job.sleepers`. Nobody parks on it here: the floor's workers
        // park on the park line, and only between samples; the load is the step's cost.
        _ = Self.sleeperCount(jobLine).pointee.load(ordering: .sequentiallyConsistent)
    }

    /// The read of `floor/T/readfirst`: a relaxed load of the line's sequence word, whose value
    /// is checked so that the load is kept. The line's other thread spins on it, so the load
    /// misses whenever that thread has taken the line since this one last wrote it.
    @inline(__always)
    private static func readBeforeWriting(_ line: UnsafeMutableRawPointer, notEqualTo next: UInt64) {
        // relaxed: only the cost of the access matters; this thread is the word's only writer.
        let previous = sequenceWord(line).pointee.load(ordering: .relaxed)
        precondition(previous != next, "FloorVariant: the sequence \(next) was published twice")
    }

    /// The job line's sleeper count (offset 16), read by the locked publish only.
    private static func sleeperCount(_ line: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (line + 16).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    private func startWorkers() {
        let threadCount = self.threadCount
        let job = SendableLine(jobLine)
        let park = SendableLine(parkLine)
        let cpus = self.cpus
        let readsFirst = step == .readBeforeWrite
        workers = (1..<threadCount).map { thread in
            let done = SendableLine(doneLines[thread])
            return NamedThread.startOrDie(name: "bench-floor-\(thread)") {
                if let cpus {
                    do { try CPUAffinity.pinCurrentThread(to: cpus[thread % cpus.count]) } catch { fatalError("bench: cannot pin a floor worker: \(error)") }
                }
                var seen: UInt64 = 0
                while true {
                    let current = Self.spin(until: Self.sequenceWord(job.line)) { $0 != seen }
                    if current == Self.exitSequence { return }
                    if current & Self.pauseBit != 0 {
                        Self.parkUntilResumed(park.line)
                        seen = current
                        continue
                    }
                    seen = current
                    let target = Self.payload(job.line).pointee
                    let share = Share.of(thread: thread, threadCount: threadCount, target: target)
                    if readsFirst { Self.readBeforeWriting(done.line, notEqualTo: current) }
                    Self.payload(done.line).pointee = CountingWork.count(to: share.count)
                    // release: publishes the result to the caller's acquiring spin.
                    Self.sequenceWord(done.line).pointee.store(current, ordering: .releasing)
                }
            }
        }
    }

    /// A worker, told to park: waits in the kernel until the resume word moves on.
    private static func parkUntilResumed(_ line: UnsafeMutableRawPointer) {
        let word = resumeWord(line)
        // acquire: pairs with the caller's releasing bump in `resumeParkedWorkers`.
        let generation = word.pointee.load(ordering: .acquiring)
        // relaxed: a tally the caller polls to see every worker parked; nothing hangs on it.
        parkedCount(line).pointee.wrappingAdd(1, ordering: .relaxed)
        var error: Int32 = 0
        // The kernel re-checks the word: a resume since the load returns at once.
        while word.pointee.load(ordering: .acquiring) == generation {
            _ = cpool_futex_wait(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), generation, &error)
        }
        parkedCount(line).pointee.wrappingSubtract(1, ordering: .relaxed)
    }

    private func resumeParkedWorkers() {
        let word = Self.resumeWord(parkLine)
        // release: the job word the workers resume on was stored before this bump.
        word.pointee.wrappingAdd(1, ordering: .releasing)
        _ = cpool_futex_wake(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), Int32.max)
        parked = false
    }

    @inline(__always)
    private func job(target: UInt64) -> UInt64 {
        sequence &+= 1
        let current = sequence
        if step == .readBeforeWrite { Self.readBeforeWriting(jobLine, notEqualTo: current) }
        Self.payload(jobLine).pointee = target
        publish(current)
        var total = CountingWork.count(to: Share.of(thread: 0, threadCount: threadCount, target: target).count)
        for thread in 1..<threadCount {
            let line = doneLines[thread]
            _ = Self.spin(until: Self.sequenceWord(line)) { $0 == current }
            total &+= Self.payload(line).pointee
        }
        return total
    }

    func measure(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        guard let cpus else { return measureHere(target: target, warmupJobs: warmupJobs, jobs: jobs) }
        return PinnedCaller.run(on: cpus[0]) { self.measureHere(target: target, warmupJobs: warmupJobs, jobs: jobs) }
    }

    private func measureHere(target: UInt64, warmupJobs: Int, jobs: Int) -> UInt64 {
        if workers.isEmpty {
            startWorkers()
        } else if parked {
            // The workers saw "pause" last; the next sequence they see is a job's.
            resumeParkedWorkers()
        }
        return timeJobs(variant: name, target: target, warmupJobs: max(warmupJobs, 2), jobs: jobs) { job(target: target) }
    }

    /// Parks every worker (bounded: a worker that does not park within 2 s is left spinning,
    /// and the bench goes on).
    func quiesce() {
        guard !workers.isEmpty, !parked else { return }
        publish(sequence | Self.pauseBit)
        parked = true
        let deadline = MonotonicClock.nanoseconds() &+ 2_000_000_000
        // relaxed: a tally (see parkUntilResumed).
        while Self.parkedCount(parkLine).pointee.load(ordering: .relaxed) < threadCount - 1 && MonotonicClock.nanoseconds() < deadline {
            usleep(20)
        }
    }
}

/// One step of a pool that a `FloorVariant` can add to the floor, so that its ratio to the
/// floor prices that step (docs/BENCH.md, "Where the time goes"). The raw value is the
/// variant name's suffix.
enum FloorStep: String {
    /// Publish with a seq_cst compare-exchange and a seq_cst load of a sleeper count.
    case lockedPublish = "locked"
    /// Read a line's sequence before writing the line, on both sides.
    case readBeforeWrite = "readfirst"
}

/// A line handed to a worker thread; the protocol above orders every access.
private struct SendableLine: @unchecked Sendable {
    let line: UnsafeMutableRawPointer
    init(_ line: UnsafeMutableRawPointer) { self.line = line }
}
