#if Exploration
/// One scheduling decision, as a strategy sees it.
struct ScheduleDecision {
    /// The decision's number in the schedule, from 1.
    var number: Int
    /// The thread at the scheduling point (it may be blocked: then any choice is free).
    var running: Int
    /// The options, the default first (see `Schedule`). At least two.
    var options: [ScheduleChoice]
    /// Per option: 1 if taking it is a preemption (the running thread could go on and did not
    /// yield), or a spurious wake-up; else 0.
    var costs: [Int]
    /// Preemptions (and spurious wake-ups) taken so far in this schedule.
    var preemptions: Int
    /// Whether it is a load's choice of store (options `ScheduleChoice.read(0)`, `read(1)`,
    /// ...: the latest first) rather than a choice of thread.
    var isRead = false
    /// Loads that read an older store than the latest so far in this schedule.
    var staleReads = 0
}

/// How an exploration picks among the options at each scheduling decision, schedule after
/// schedule.
///
/// Contract: `beginSchedule` is called before each schedule and tells whether there is one
/// (a bounded search ends); `choose` is called only for decisions with at least two options,
/// on the thread that holds the baton, and returns an index into `options`; `endSchedule`
/// after the schedule, with its number of decisions. Deterministic given its seed: the same
/// seed gives the same schedules.
protocol ScheduleStrategy: AnyObject {
    /// "random", "pct", "dfs", "replay".
    var name: String { get }
    func beginSchedule(threads: Int) -> Bool
    func choose(_ decision: ScheduleDecision) -> Int
    func endSchedule(decisions: Int)
}
#endif
