#if Exploration
/// One controlled thread as `ScheduleRun` models it. Plain state: only the thread that holds
/// the baton reads or writes any thread's model.
struct ControlledThread {
    /// What the thread is doing, from the controller's point of view.
    enum Status: Equatable {
        /// No thread in this slot (never created, or exited and not created again).
        case absent
        /// Created, on its way to its first scheduling point; runs only as the creator's
        /// hand-off (`ScheduleRun.workerDidSpawn`), never by a decision.
        case starting
        /// At a scheduling point, about to perform its pending operation when chosen.
        case ready
        /// In a modelled futex wait on `futexWord`, which held `futexExpected`.
        case futexBlocked
        /// Woken from its futex wait (by a wake, or spuriously: `wokenSpuriously`); runs
        /// when chosen.
        case woken
        /// Its spin check failed. Runs again when a word of `readWords` was written
        /// (`spinChanged`), or, for a bounded wait, to give up.
        case spinning
        /// Waits for thread `joinTarget` to exit.
        case joining
        /// Gone.
        case exited
    }

    var status = Status.absent
    var futexWord: UInt = 0
    var futexExpected: UInt32 = 0
    var wokenSpuriously = false
    var spinBounded = false
    var spinChanged = false
    /// Between `spinCheckWillBegin` and `spinCheckFailed`: loads are recorded in the read set.
    var inSpinCheck = false
    /// The words the last spin check read, and the values it read.
    var readWords: [UInt] = []
    var readValues: [UInt64] = []
    var joinTarget = -1
    /// The thread passed a harness probe point since its last hook: harness state (which no
    /// pool word records) may have changed, so harness spins must look again.
    var passedProbe = false
    /// The thread that created it and waits for its first scheduling point.
    var creator = -1
    /// What it is about to do, for a deadlock report ("load task", "probe lock taken").
    var pending = ""

    /// Whether a decision may choose it (not counting spurious wake-ups). A joining thread is
    /// enabled once its target exited, which only the run can tell: false here.
    var isEnabled: Bool {
        switch status {
        case .ready, .woken: true
        case .spinning: spinBounded || spinChanged
        case .absent, .starting, .futexBlocked, .joining, .exited: false
        }
    }

    /// Whether it is still alive in the model (its real thread waits in the controller).
    var isLive: Bool {
        switch status {
        case .absent, .exited: false
        default: true
        }
    }
}
#endif
