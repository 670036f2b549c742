#if Exploration
/// `--replay`: takes the decisions a schedule lists and the default everywhere else. A listed
/// choice that is not an option at its decision (an edited schedule) is ignored.
final class ReplayStrategy: ScheduleStrategy {
    let name = "replay"
    let schedule: Schedule
    private var next = 0

    init(_ schedule: Schedule) { self.schedule = schedule }

    func beginSchedule(threads: Int) -> Bool {
        next = 0
        return true
    }

    func choose(_ decision: ScheduleDecision) -> Int {
        let deviations = schedule.deviations
        while next < deviations.count && deviations[next].decision < decision.number { next += 1 }
        guard next < deviations.count, deviations[next].decision == decision.number else { return 0 }
        return decision.options.firstIndex(of: deviations[next].choice) ?? 0
    }

    func endSchedule(decisions: Int) {}
}
#endif
