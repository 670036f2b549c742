import Pool
import PoolSupport
import TestSupport

/// How one thread's `threadDone` call ended, as the reducer harness records it.
enum MergeOutcome: Equatable, CustomStringConvertible {
    case pending
    case noTotal
    case total(UInt64)
    case overflow
    /// Threw something other than `.overflow` (stopped, or an injected failure).
    case interrupted

    /// Stored as two plain words: a code, and the total for `.total`.
    init(code: UInt64, total: UInt64) {
        switch code {
        case 1: self = .noTotal
        case 2: self = .total(total)
        case 3: self = .overflow
        case 4: self = .interrupted
        default: self = .pending
        }
    }

    var code: UInt64 {
        switch self {
        case .pending: 0
        case .noTotal: 1
        case .total: 2
        case .overflow: 3
        case .interrupted: 4
        }
    }

    var total: UInt64 { if case .total(let value) = self { value } else { 0 } }

    var isTotal: Bool { if case .total = self { true } else { false } }

    var description: String {
        switch self {
        case .pending: "pending"
        case .noTotal: "no total"
        case .total(let value): "total \(value)"
        case .overflow: "overflow"
        case .interrupted: "interrupted"
        }
    }
}

/// Drives a reducer alone, with threads of our own: no pool, no scheduler.
///
/// Each round, this thread resets the reducer and releases the N threads (a releasing
/// round number); each writes its contribution to plain witness memory, then calls
/// `threadDone`. Thread 0 plays the pool's caller: when its own `threadDone` returned no
/// total, it calls `waitForTotal`, as `ThreadPool.run` does. The thread that receives the
/// total (the one whose `threadDone` returned it, or thread 0 in a reducer that gathers at the
/// caller), and thread 0 once it has the total, read every witness: if the reducer does not
/// order the other threads' writes before the total (release/acquire), that read is a data
/// race that ThreadSanitizer reports, even when every value happens to be right.
///
/// Thread 0's wait gives up (its `isStopped` turns true) once every other thread has returned
/// from its `threadDone` of the round: a correct reducer's total is complete by then, so only
/// a broken one is still incomplete, and the round ends in bounded time either way.
enum ReducerHarness {
    /// Each thread's outcome of the round, in plain words (written by that thread, read by
    /// the coordinator after its acquiring load of the finished count); index N is thread
    /// 0's `waitForTotal` (`.pending` if it did not call it).
    final class Outcomes: Sendable {
        private let codes: PlainWords
        private let totals: PlainWords

        init(count: Int) {
            codes = PlainWords(count: count)
            totals = PlainWords(count: count)
        }

        subscript(thread: Int) -> MergeOutcome {
            get { MergeOutcome(code: codes[thread], total: totals[thread]) }
            set {
                codes[thread] = newValue.code
                totals[thread] = newValue.total
            }
        }

        func clear() {
            codes.fill(0)
            totals.fill(0)
        }
    }

    /// Runs one round per element of `rounds` (the contributions of threads 0 ..< N) and
    /// grades each: exactly one thread receives the total; it equals the sum (the
    /// sequential result) and what the witnesses hold, and so does the total thread 0 ends
    /// up with; each thread's contribution is counted once (a counting reducer's count
    /// visits N-1 ... 0 once each, never wraps); a sum beyond UInt64.max throws `.overflow`
    /// and delivers no total. Stops at the first round with a finding.
    ///
    /// `readsWitnesses: false` keeps broken reducers that hand out early totals from
    /// racing on the witnesses, so that they fail by value, not by a TSan report.
    ///
    /// `lastWorkerMergesAfterCaller`: in every round the last worker merges only once thread
    /// 0 has passed `countDecremented` (its own merge is done, its wait for the total about to
    /// begin), bounded by the deadline. A correct reducer waits for that worker; one that
    /// gathers without waiting reads its slot before it is written, in every round, however
    /// the machine schedules the threads.
    static func run<Reducer: InspectableReducer>(
        _ reducerType: Reducer.Type, rounds: [[UInt64]], readsWitnesses: Bool = true,
        lastWorkerMergesAfterCaller: Bool = false, seconds: Double = 20
    ) -> CheckVerdict {
        let threadCount = rounds.first?.count ?? 1
        precondition(rounds.allSatisfy { $0.count == threadCount }, "ReducerHarness: every round needs \(threadCount) contributions")
        let reducer = Reducer(threadCount: threadCount, spinPolicy: .default)
        let log = ProbeLog(threadCount: threadCount)
        let probe = RecordingProbe(log: log)
        let witnesses = PlainWords(count: threadCount)
        let witnessSums = PlainWords(count: threadCount)
        let outcomes = Outcomes(count: threadCount + 1)
        // [0]: rounds released, [1]: merges finished, [2]: abandoned.
        let gate = AtomicCounters(count: 3)
        let deadline = Deadline(seconds: seconds)

        @Sendable func witnessSum() -> UInt64 { (0..<threadCount).reduce(0) { $0 &+ witnesses[$1] } }

        let threads = (0..<threadCount).map { thread in
            NamedThread.startOrDie(name: "reducer-\(thread)") {
                for round in rounds.indices {
                    // acquire (pairs with the releasing round store): the reset and the
                    // cleared slots are visible before this thread merges.
                    let released = deadline.wait { gate.loadAcquiring(0) > round || gate[2] != 0 }
                    if !released || gate[2] != 0 { return }
                    if lastWorkerMergesAfterCaller && thread == threadCount - 1 && thread != 0 {
                        // Thread 0 passes countDecremented once per round, in its merge.
                        _ = deadline.wait { log.reaches(.countDecremented, thread: 0) > round || gate[2] != 0 }
                    }
                    let contribution = rounds[round][thread]
                    witnesses[thread] = contribution
                    var outcome = MergeOutcome.noTotal
                    do throws(ProtocolInterruption) {
                        if let total = try reducer.threadDone(contribution: contribution, thread: thread, probe: probe) {
                            outcome = .total(total)
                            if readsWitnesses { witnessSums[thread] = witnessSum() }
                        }
                    } catch .overflow {
                        outcome = .overflow
                    } catch {
                        outcome = .interrupted
                    }
                    if thread == 0 && outcome == .noTotal {
                        outcomes[threadCount] = waitForTotal(reducer, probe: probe, giveUp: {
                            // acquire: pairs with the other threads' releasing count of finished merges.
                            gate.loadAcquiring(1) >= threadCount * round + threadCount - 1 || gate[2] != 0 || deadline.hasPassed
                        })
                        if case .total = outcomes[threadCount], readsWitnesses { witnessSums[0] = witnessSum() }
                    }
                    outcomes[thread] = outcome
                    // release (pairs with the coordinator's acquiring load): the outcome
                    // and the witness sum are visible to it.
                    gate.addReleasing(1, 1)
                }
            }
        }

        var verdict = CheckVerdict()
        for round in rounds.indices {
            log.resetRound()
            let receiptsBefore = (0..<threadCount).map { log.reaches(.totalReceived, thread: $0) }
            let contributionsBefore = (0..<threadCount).map { log.reaches(.countDecremented, thread: $0) }
            reducer.reset(threadCount: threadCount)
            outcomes.clear()
            witnessSums.fill(0)
            // release: pairs with the threads' acquiring load of the round number.
            gate.addReleasing(0, 1)
            let finished = deadline.wait { gate.loadAcquiring(1) == threadCount * (round + 1) }
            if !finished {
                verdict.report(.timeout, "round \(round): only \(gate.loadAcquiring(1) - threadCount * round) of \(threadCount) merges returned; reducer \(reducer.diagnostics)")
                break
            }
            let receivers = (0..<threadCount).filter { log.reaches(.totalReceived, thread: $0) > receiptsBefore[$0] }
            let contributions = (0..<threadCount).map { log.reaches(.countDecremented, thread: $0) - contributionsBefore[$0] }
            verdict.absorb(grade(round: rounds[round], reducer: reducer, log: log, outcomes: outcomes, receivers: receivers,
                                 contributions: contributions, witnessSums: readsWitnesses ? witnessSums : nil),
                           context: "round \(round) of \(Reducer.name), \(threadCount) threads")
            if !verdict.passed { break }
        }
        gate.store(2, 1)
        let stuck = threads.joinAll(by: Deadline(seconds: 5))
        verdict.check(stuck.isEmpty, .timeout, "reducer threads \(stuck) did not end")
        stuck.forEach { threads[$0].detach() }
        return verdict
    }

    /// Thread 0's `waitForTotal`, as an outcome.
    private static func waitForTotal<Reducer: InspectableReducer>(
        _ reducer: Reducer, probe: RecordingProbe, giveUp: () -> Bool
    ) -> MergeOutcome {
        do throws(ProtocolInterruption) {
            return .total(try reducer.waitForTotal(thread: 0, probe: probe, isStopped: giveUp))
        } catch .overflow {
            return .overflow
        } catch {
            return .interrupted
        }
    }

    private static func grade<Reducer: InspectableReducer>(
        round contributions: [UInt64], reducer: Reducer, log: ProbeLog, outcomes: Outcomes,
        receivers: [Int], contributions counted: [Int], witnessSums: PlainWords?
    ) -> CheckVerdict {
        var verdict = CheckVerdict()
        let threads = contributions.indices
        let callerWait = outcomes[threads.count]
        let all = threads.map { outcomes[$0] } + [callerWait]
        let exactSum = contributions.reduce(UInt128(0)) { $0 + UInt128($1) }
        let returnedTotals = threads.filter { outcomes[$0].isTotal }
        // A thread whose merge threw (an overflow refused under the lock) may not have counted.
        let threw = threads.filter { outcomes[$0] == .overflow || outcomes[$0] == .interrupted }
        verdict.check(threads.allSatisfy { counted[$0] == 1 || (counted[$0] == 0 && threw.contains($0)) }, .totalNotExactlyOnce,
                      "threads passed countDecremented \(counted) times (each must pass it once per job; threads \(threw) threw)")
        guard exactSum <= UInt128(UInt64.max) else {
            verdict.check(receivers.isEmpty && returnedTotals.isEmpty && !callerWait.isTotal, .silentWrap,
                          "sum \(exactSum) exceeds UInt64.max, yet threads \(receivers) received a total; outcomes \(all)")
            verdict.check(all.contains(.overflow), .silentWrap,
                          "sum \(exactSum) exceeds UInt64.max, yet no thread threw .overflow: \(all)")
            return verdict
        }
        let sum = UInt64(exactSum)
        verdict.check(receivers.count == 1, .totalNotExactlyOnce,
                      "\(receivers.count) threads (\(receivers)) received a total; outcomes \(all)")
        verdict.check(returnedTotals.count <= 1, .totalNotExactlyOnce,
                      "\(returnedTotals.count) threadDone calls (threads \(returnedTotals)) returned a total; at most one may")
        for thread in returnedTotals {
            verdict.check(outcomes[thread] == .total(sum), .wrongResult, "thread \(thread) received \(outcomes[thread]), expected total \(sum)")
            if let witnessSums {
                verdict.check(witnessSums[thread] == sum, .wrongResult,
                              "thread \(thread) read witnesses summing to \(witnessSums[thread]), expected \(sum)")
            }
        }
        if callerWait != .pending {
            verdict.check(callerWait == .total(sum), .wrongResult, "thread 0's waitForTotal ended with \(callerWait), expected total \(sum)")
            if let witnessSums, callerWait == .total(sum) {
                verdict.check(witnessSums[0] == sum, .wrongResult,
                              "thread 0 read witnesses summing to \(witnessSums[0]) after waitForTotal, expected \(sum)")
            }
        }
        verdict.check(threw.isEmpty, .wrongError, "threads \(threw) threw although the sum \(sum) fits")
        verdict.check(reducer.isComplete && reducer.result == sum, .wrongResult,
                      "after the round: isComplete \(reducer.isComplete), result \(reducer.result), expected \(sum)")
        let totals = log.totalsReceived.load(ordering: .relaxed)
        verdict.check(totals == 1, .totalNotExactlyOnce, "probe saw totalReceived \(totals) times")
        if totals == 1 {
            let probed = log.lastTotal.load(ordering: .relaxed)
            verdict.check(probed == sum, .wrongResult, "probe saw total \(probed), expected \(sum)")
        }
        if Reducer.countsContributions { verdict.absorb(log.countVerdict(), context: "count") }
        return verdict
    }
}
