#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// `ScheduleRun`'s model of a spin: a check that fails parks the thread until another thread
/// writes a word the check read (its read set), so that spinning costs no decisions and a
/// bounded spin can be told to give up and park.
extension ScheduleRun {
    func spinCheckWillBegin() {
        let thread = me
        threads[thread].inSpinCheck = true
        threads[thread].spinChanged = false
        threads[thread].readWords.removeAll(keepingCapacity: true)
        threads[thread].readValues.removeAll(keepingCapacity: true)
    }

    func spinCheckFailed(bounded: Bool) -> Bool {
        let thread = me
        flushProbeNotice(thread)
        threads[thread].inSpinCheck = false
        threads[thread].status = .spinning
        threads[thread].spinBounded = bounded
        // `spinChanged` stays as the check left it: set if a word it read was written since.
        pending[thread] = .spinCheck
        let changed = threads[thread].spinChanged
        guard let choice = decide(thread, canContinue: bounded || changed, yielding: true) else { deadlock(at: thread) }
        if choice == .run(thread) {
            threads[thread].status = .ready
            record(thread, "spin", spunOn(thread), changed ? "check failed, but a word it read was written meanwhile: checks again"
                                                           : "check failed; gives up at once (bounded wait)")
            return changed
        }
        record(thread, "spin", spunOn(thread), "check failed; waits for a write to what it read")
        switchTo(choice, from: thread)
        let changedSince = threads[thread].spinChanged
        threads[thread].status = .ready
        record(thread, "spin", spunOn(thread), changedSince ? "checks again (a word it read was written)" : "gives up (bounded wait)")
        return changedSince
    }

}
#endif
