#if Exploration
/// One option of a scheduling decision: which controlled thread runs next, and whether it
/// runs because the controller wakes it spuriously from a modelled futex wait; or, at a load
/// under a weak memory model, which store it reads (`staleness`: how many stores back from
/// the latest; `thread` is then 0).
struct ScheduleChoice: Hashable, Sendable {
    var thread: Int
    var spurious: Bool
    var staleness = 0

    static func run(_ thread: Int) -> ScheduleChoice { ScheduleChoice(thread: thread, spurious: false) }

    /// A load's option: the store `staleness` back from the latest.
    static func read(_ staleness: Int) -> ScheduleChoice { ScheduleChoice(thread: 0, spurious: false, staleness: staleness) }

    /// Whether it is a load's option that reads an older store than the latest.
    var isStaleRead: Bool { staleness > 0 }
}

/// One decision of a schedule that differs from the default (see `Schedule`).
struct ScheduleDeviation: Hashable, Sendable {
    /// The decision's number in the schedule, from 1.
    var decision: Int
    var choice: ScheduleChoice
}
#endif
