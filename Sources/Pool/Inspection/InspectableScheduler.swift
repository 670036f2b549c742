/// What watchdogs, tests and the stress driver need from a scheduler besides its protocol: a
/// snapshot of its words, and a way to wake parked threads without a job.
///
/// Kept out of `JobScheduler` on purpose: the production path never calls it, and a scheduler
/// that is only ever run does not need it. Every scheduler in this package adopts it.
@usableFromInline package protocol InspectableScheduler: JobScheduler {
    /// Wakes every thread parked in the scheduler without giving it a job. A correct scheduler
    /// sends them back to wait; the stress driver injects spurious wake-ups with it, and the
    /// watchdog's rescue uses it: it must reach a thread wherever it parked.
    func wakeSpuriously()

    /// A snapshot for watchdogs: relaxed reads, may be torn across fields.
    var diagnostics: SchedulerDiagnostics { get }

    /// How a watchdog tells a lost wake-up: true if a thread parks on the value it last saw of
    /// a word that moves on with every job (a barrier's generation, a job sequence), so that
    /// it is asleep by mistake when `diagnostics.word` differs from the value it parked on;
    /// false if it parks while no task is pending, so that it is asleep by mistake when
    /// `diagnostics.pendingTasks` is not 0.
    static var parksOnChangingWord: Bool { get }
}

extension InspectableScheduler {
    @usableFromInline package static var parksOnChangingWord: Bool { false }
}

/// What a watchdog needs to tell a stall from a lost wake-up.
@usableFromInline package struct SchedulerDiagnostics: Sendable, CustomStringConvertible {
    /// The raw scheduler word (task word, or barrier generation).
    @usableFromInline package var word: UInt64
    /// Tasks published but not yet claimed (0 if none, or if stopped).
    @usableFromInline package var pendingTasks: UInt64
    /// Threads counted as parked (or about to park) in the kernel.
    @usableFromInline package var sleepers: UInt32
    @usableFromInline package var stopped: Bool

    @usableFromInline package init(word: UInt64, pendingTasks: UInt64, sleepers: UInt32, stopped: Bool) {
        self.word = word
        self.pendingTasks = pendingTasks
        self.sleepers = sleepers
        self.stopped = stopped
    }

    @usableFromInline package var description: String {
        "word=0x\(String(word, radix: 16)) pending=\(pendingTasks) sleepers=\(sleepers) stopped=\(stopped)"
    }
}
