#if Exploration
/// One option of a scheduling decision: which controlled thread runs next, and whether it
/// runs because the controller wakes it spuriously from a modelled futex wait.
struct ScheduleChoice: Hashable, Sendable {
    var thread: Int
    var spurious: Bool

    static func run(_ thread: Int) -> ScheduleChoice { ScheduleChoice(thread: thread, spurious: false) }
}

/// One decision of a schedule that differs from the default (see `Schedule`).
struct ScheduleDeviation: Hashable, Sendable {
    /// The decision's number in the schedule, from 1.
    var decision: Int
    var choice: ScheduleChoice
}
#endif
