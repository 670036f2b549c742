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
/// `threadDone`. The thread that receives the total reads every witness: if the reducer
/// does not order the other threads' writes before the total (release/acquire), that read
/// is a data race that ThreadSanitizer reports, even when every value happens to be right.
enum ReducerHarness {
    /// Each thread's outcome of the round, in plain words (written by that thread, read by
    /// the coordinator after its acquiring load of the finished count).
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
    /// sequential result) and what the witnesses hold; the count visits N-1 ... 0 once each
    /// (never wraps); a sum beyond UInt64.max throws `.overflow` and delivers no total.
    ///
    /// `readsWitnesses: false` keeps broken reducers that hand out early totals from
    /// racing on the witnesses, so that they fail by value, not by a TSan report.
    static func run<Reducer: InspectableReducer>(
        _ reducerType: Reducer.Type, rounds: [[UInt64]], readsWitnesses: Bool = true, seconds: Double = 20
    ) -> CheckVerdict {
        let threadCount = rounds.first?.count ?? 1
        precondition(rounds.allSatisfy { $0.count == threadCount }, "ReducerHarness: every round needs \(threadCount) contributions")
        let reducer = Reducer(threadCount: threadCount, spinPolicy: .default)
        let log = ProbeLog(threadCount: threadCount)
        let probe = RecordingProbe(log: log)
        let witnesses = PlainWords(count: threadCount)
        let witnessSums = PlainWords(count: threadCount)
        let outcomes = Outcomes(count: threadCount)
        // [0]: rounds released, [1]: merges finished, [2]: abandoned.
        let gate = AtomicCounters(count: 3)
        let deadline = Deadline(seconds: seconds)

        let threads = (0..<threadCount).map { thread in
            NamedThread.startOrDie(name: "reducer-\(thread)") {
                for round in rounds.indices {
                    // acquire (pairs with the releasing round store): the reset and the
                    // cleared slots are visible before this thread merges.
                    let released = deadline.wait { gate.loadAcquiring(0) > round || gate[2] != 0 }
                    if !released || gate[2] != 0 { return }
                    let contribution = rounds[round][thread]
                    witnesses[thread] = contribution
                    var outcome = MergeOutcome.noTotal
                    do throws(ProtocolInterruption) {
                        if let total = try reducer.threadDone(contribution: contribution, thread: thread, probe: probe) {
                            outcome = .total(total)
                            if readsWitnesses {
                                witnessSums[thread] = (0..<threadCount).reduce(0) { $0 &+ witnesses[$1] }
                            }
                        }
                    } catch .overflow {
                        outcome = .overflow
                    } catch {
                        outcome = .interrupted
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
            verdict.absorb(grade(round: rounds[round], reducer: reducer, log: log, outcomes: outcomes,
                                 witnessSums: readsWitnesses ? witnessSums : nil),
                           context: "round \(round) of \(Reducer.name), \(threadCount) threads")
        }
        gate.store(2, 1)
        let stuck = threads.joinAll(by: Deadline(seconds: 5))
        verdict.check(stuck.isEmpty, .timeout, "reducer threads \(stuck) did not end")
        stuck.forEach { threads[$0].detach() }
        return verdict
    }

    private static func grade<Reducer: InspectableReducer>(
        round contributions: [UInt64], reducer: Reducer, log: ProbeLog,
        outcomes: Outcomes, witnessSums: PlainWords?
    ) -> CheckVerdict {
        var verdict = CheckVerdict()
        let threads = contributions.indices
        let exactSum = contributions.reduce(UInt128(0)) { $0 + UInt128($1) }
        let receivers = threads.filter { if case .total = outcomes[$0] { true } else { false } }
        guard exactSum <= UInt128(UInt64.max) else {
            verdict.check(receivers.isEmpty, .silentWrap,
                          "sum \(exactSum) exceeds UInt64.max, yet threads \(receivers) received \(receivers.map { outcomes[$0] })")
            verdict.check(threads.contains { outcomes[$0] == .overflow }, .silentWrap,
                          "sum \(exactSum) exceeds UInt64.max, yet no thread threw .overflow: \(threads.map { outcomes[$0] })")
            return verdict
        }
        let sum = UInt64(exactSum)
        verdict.check(receivers.count == 1, .totalNotExactlyOnce,
                      "\(receivers.count) threads (\(receivers)) received a total; outcomes \(threads.map { outcomes[$0] })")
        for thread in receivers {
            verdict.check(outcomes[thread] == .total(sum), .wrongResult, "thread \(thread) received \(outcomes[thread]), expected total \(sum)")
            if let witnessSums {
                verdict.check(witnessSums[thread] == sum, .wrongResult,
                              "thread \(thread) read witnesses summing to \(witnessSums[thread]), expected \(sum)")
            }
        }
        let failed = threads.filter { outcomes[$0] == .overflow || outcomes[$0] == .interrupted }
        verdict.check(failed.isEmpty, .wrongError, "threads \(failed) threw although the sum \(sum) fits")
        verdict.check(reducer.isComplete && reducer.result == sum, .wrongResult,
                      "after the round: isComplete \(reducer.isComplete), result \(reducer.result), expected \(sum)")
        let totals = log.totalsReceived.load(ordering: .relaxed)
        verdict.check(totals == 1, .totalNotExactlyOnce, "probe saw totalReceived \(totals) times")
        if totals == 1 {
            let probed = log.lastTotal.load(ordering: .relaxed)
            verdict.check(probed == sum, .wrongResult, "probe saw total \(probed), expected \(sum)")
        }
        verdict.absorb(log.countVerdict(), context: "count")
        return verdict
    }
}
