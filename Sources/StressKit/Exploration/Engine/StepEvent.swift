#if Exploration
/// One line of a schedule's trace: a step of one thread, as it happened.
struct StepEvent: Sendable, Equatable {
    /// The decision that let the thread take this step.
    var decision: Int
    var thread: Int
    /// Whether that decision differed from the default (a preemption, a spurious wake-up, or
    /// a free switch to a thread other than the default one).
    var deviated: Bool
    /// "load", "futex-wait", "probe", "spin", "spawn", ...
    var operation: String
    /// The word's label, or the probe point.
    var word: String
    /// "read 0", "read 1, wrote 0", "expected 0, now 1: returns at once", ...
    var detail: String

    /// "  17 * t1  compare-exchange  task            read 1, wrote 0"
    var line: String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        let number = String(decision)
        return String(repeating: " ", count: max(0, 6 - number.count)) + number + (deviated ? " * " : "   ")
            + pad("t\(thread)", 4) + pad(operation, 18) + pad(word, 20) + detail
    }
}
#endif
