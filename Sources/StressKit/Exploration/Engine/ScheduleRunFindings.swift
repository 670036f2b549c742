#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// How a `ScheduleRun` ends with a finding (a violation, a deadlock, a crash, an abort), and
/// the trace it records: each thread's state and every step, for the report.
extension ScheduleRun {
    // MARK: findings

    /// A finding on the calling thread: records it, ends every thread of the run, wakes the
    /// explorer. Called with the baton.
    func fail(_ kind: ExplorationFinding.Kind, _ message: String, jobIndex: Int?, states: Bool = false) -> Never {
        let thread = me
        finding = ExplorationFinding(kind: kind, message: message, thread: thread, decision: decisions,
                                     jobIndex: jobIndex, threadStates: states ? describeAll() : [])
        record(thread, kind.rawValue.uppercased(), "", message)
        abort(from: thread)
    }

    /// A trap on the calling thread (`TrapCatcher`), with what the runtime said.
    func crashed(_ message: String) -> Never {
        fail(.crash, "thread \(me) \(message)", jobIndex: nil)
    }

    func deadlock(at thread: Int) -> Never {
        fail(.deadlock, "no thread can run, and the scenario is unfinished (thread \(thread) was the last to run)",
             jobIndex: nil, states: true)
    }

    /// Ends every other controlled thread of the run where it waits, wakes the explorer,
    /// then ends the calling one.
    func abort(from thread: Int) -> Never {
        aborted = true
        for other in 0..<Self.maximumThreads where other != thread && threads[other].isLive { signal(other) }
        markDone()
        endThread(thread)
    }

    /// Every thread's state, one line each.
    func describeAll() -> [String] {
        (0..<Self.maximumThreads).compactMap { threads[$0].status == .absent ? nil : "thread \($0): \(describe($0))" }
    }

    func describe(_ thread: Int) -> String {
        let model = threads[thread]
        switch model.status {
        case .absent: return "absent"
        case .starting: return "starting"
        case .exited: return "exited"
        case .ready: return "ready to \(describe(pending[thread]))"
        case .woken: return "woken from its futex wait on \(Self.label(model.futexWord))\(model.wokenSpuriously ? " (spuriously)" : ""), not yet run"
        case .joining: return "joins thread \(model.joinTarget), which is \(describe(model.joinTarget))"
        case .futexBlocked:
            return "futex wait on \(Self.label(model.futexWord)): expected \(model.futexExpected), the word is \(Self.value32(model.futexWord))"
        case .spinning:
            let kind = model.spinBounded ? "bounded" : "unbounded"
            if model.readWords.isEmpty { return "spins (\(kind)) on harness state: waits for another thread's probe point" }
            let reads = zip(model.readWords, model.readValues).map { "\(Self.label($0.0)) = \($0.1)" }.joined(separator: ", ")
            return "spins (\(kind)) until one of these changes: \(reads)\(model.spinChanged ? " (one has: it may run)" : "")"
        }
    }

    func describe(_ operation: PendingOperation) -> String {
        switch operation {
        case .none: return "run"
        case .access(let kind, let address): return "\(kind.rawValue) \(Self.label(address))"
        case .futexWait(let address, let expected): return "futex-wait on \(Self.label(address)) expecting \(expected)"
        case .futexWake(let address): return "futex-wake \(Self.label(address))"
        case .probe(let point): return "pass probe point '\(point)'"
        case .spinCheck: return "check its spin condition again"
        }
    }

    static func label(_ address: UInt) -> String {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return "word" }
        return ExplorationWord(address: pointer).label
    }

    static func value32(_ address: UInt) -> UInt32 {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return 0 }
        // relaxed: a report, read while no controlled thread runs.
        return pointer.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .relaxed)
    }

    // MARK: trace

    func record(_ thread: Int, _ operation: String, _ word: String, _ detail: @autoclosure () -> String) {
        guard settings.tracing else { return }
        events.append(StepEvent(decision: decisions, thread: thread, deviated: lastDecisionDeviated,
                                operation: operation, word: word, detail: detail()))
    }

    func spunOn(_ thread: Int) -> String {
        let words = threads[thread].readWords
        return words.isEmpty ? "(harness)" : words.map(Self.label).joined(separator: ",")
    }
}
#endif
