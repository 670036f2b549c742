#if Exploration
/// `--strategy dfs --preemptions P`: every schedule of one scenario with at most P
/// preemptions, depth first (iterative context bounding, as in CHESS: Musuvathi and Qadeer,
/// PLDI 2007).
///
/// A preemption is a decision that switches away from a thread that could go on and did not
/// yield; a spurious wake-up counts as one too. Decisions where the running thread blocks,
/// exits or yields (a failed spin check) are free: all of their options are explored. The
/// search is stateless: each schedule replays the stack's choices, takes the default after
/// it, and pushes a frame per new decision with two or more options; after the schedule, the
/// deepest frame with an untried option within the bound takes it, and the frames below it
/// are dropped. The search ends when no frame has one: every schedule within the bound was
/// run once (`schedulesRun`).
///
/// Under a weak memory model a load's choice of store is a decision too; its options past the
/// first (the latest store) are stale reads, bounded like preemptions by `staleReadBound`.
///
/// Determinism check: a replayed decision must offer the options it offered before; if not,
/// the run is not deterministic and the search stops with `nondeterminism` set.
final class DFSStrategy: ScheduleStrategy {
    let name = "dfs"
    let preemptionBound: Int
    let staleReadBound: Int

    private struct Frame {
        var options: [ScheduleChoice]
        var costs: [Int]
        var preemptionsBefore: Int
        var isRead: Bool
        var staleReadsBefore: Int
        var chosen: Int

        func allows(_ option: Int, preemptionBound: Int, staleReadBound: Int) -> Bool {
            if isRead { return staleReadsBefore + (option > 0 ? 1 : 0) <= staleReadBound }
            return preemptionsBefore + costs[option] <= preemptionBound
        }
    }

    private var stack: [Frame] = []
    /// The choice point (decision with two or more options) reached in the current schedule.
    private var depth = 0
    private var started = false
    private(set) var exhausted = false
    private(set) var nondeterminism: String?

    init(preemptionBound: Int, staleReadBound: Int = 1) {
        precondition(preemptionBound >= 0, "DFS needs a preemption bound >= 0, got \(preemptionBound)")
        precondition(staleReadBound >= 0, "DFS needs a stale-read bound >= 0, got \(staleReadBound)")
        self.preemptionBound = preemptionBound
        self.staleReadBound = staleReadBound
    }

    func beginSchedule(threads: Int) -> Bool {
        depth = 0
        if !started {
            started = true
            return true
        }
        return !exhausted && nondeterminism == nil
    }

    func choose(_ decision: ScheduleDecision) -> Int {
        if decision.options.count < 2 { return 0 }
        defer { depth += 1 }
        if depth < stack.count {
            if stack[depth].options != decision.options && nondeterminism == nil {
                nondeterminism = "decision \(decision.number) offered \(decision.options), the same prefix offered \(stack[depth].options) before"
            }
            return min(stack[depth].chosen, decision.options.count - 1)
        }
        stack.append(Frame(options: decision.options, costs: decision.costs, preemptionsBefore: decision.preemptions,
                           isRead: decision.isRead, staleReadsBefore: decision.staleReads, chosen: 0))
        return 0
    }

    func endSchedule(decisions: Int) {
        // Frames past the schedule's end (a shorter schedule after a change) are stale.
        if stack.count > depth { stack.removeLast(stack.count - depth) }
        while let frame = stack.last {
            var next = frame.chosen + 1
            while next < frame.options.count
                && !frame.allows(next, preemptionBound: preemptionBound, staleReadBound: staleReadBound) {
                next += 1
            }
            if next < frame.options.count {
                stack[stack.count - 1].chosen = next
                return
            }
            stack.removeLast()
        }
        exhausted = true
    }
}
#endif
