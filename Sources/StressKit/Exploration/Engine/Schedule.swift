#if Exploration
/// A schedule: the decisions of one run that differ from the default decision.
///
/// Every scheduling point is a decision (numbered from 1 in the order they happen). The
/// default decision keeps the running thread if it can go on and did not yield; otherwise it
/// takes the enabled thread with the lowest index. A schedule lists only the decisions that
/// differ from that default, so that a schedule with few preemptions is a short string, and
/// so that deleting an entry is a smaller schedule (the shrinker's move). Replaying a
/// schedule on the same scenario repeats the run exactly (`ScheduleRun` is deterministic given
/// its decisions); an entry whose choice is not an option at its decision (an edited
/// schedule) falls back to the default.
///
/// Text form: each deviation is the gap (decimal, at least 1) from the previous deviation's
/// decision (from 0 for the first), then the thread as a letter: `a` is thread 0, `b` thread
/// 1, ...; an upper-case letter is a spurious wake-up of that thread. `3b12a1C`: decision 3
/// runs thread 1, decision 15 runs thread 0, decision 16 wakes thread 2 spuriously.
/// A load that reads an older store than the latest (a weak memory model's decision) is the
/// gap then one dot per store back: `3b4..` also makes decision 7, a load, read the store two
/// before the latest. The empty schedule is written `-`.
struct Schedule: Hashable, Sendable, CustomStringConvertible {
    var deviations: [ScheduleDeviation]

    init(_ deviations: [ScheduleDeviation] = []) { self.deviations = deviations }

    static let empty = Schedule()

    var description: String { text }

    /// The compact text form (see the type's documentation).
    var text: String {
        if deviations.isEmpty { return "-" }
        var text = ""
        var previous = 0
        for deviation in deviations {
            text += String(deviation.decision - previous)
            previous = deviation.decision
            if deviation.choice.isStaleRead {
                text += String(repeating: ".", count: deviation.choice.staleness)
                continue
            }
            let letter = UInt8(deviation.choice.spurious ? 65 : 97) + UInt8(deviation.choice.thread)
            text.unicodeScalars.append(Unicode.Scalar(letter))
        }
        return text
    }

    /// Parses the text form; nil if it is not one.
    init?(text: String) {
        if text == "-" { self.init(); return }
        var deviations: [ScheduleDeviation] = []
        var gap = 0
        var digits = 0
        var decision = 0
        // Whether the last deviation is a stale read that a further dot makes staler.
        var inStaleRead = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 46:
                if digits == 0 {
                    guard inStaleRead else { return nil }
                    deviations[deviations.count - 1].choice.staleness += 1
                    continue
                }
                guard gap > 0 else { return nil }
                decision += gap
                deviations.append(ScheduleDeviation(decision: decision, choice: .read(1)))
                gap = 0
                digits = 0
                inStaleRead = true
            case 48...57:
                inStaleRead = false
                gap = gap * 10 + Int(scalar.value - 48)
                digits += 1
                if digits > 9 { return nil }
            case 97...122, 65...90:
                guard digits > 0 else { return nil }
                let spurious = scalar.value < 97
                let thread = Int(scalar.value - (spurious ? 65 : 97))
                guard thread < ScheduleRun.maximumThreads, gap > 0 else { return nil }
                decision += gap
                deviations.append(ScheduleDeviation(decision: decision, choice: ScheduleChoice(thread: thread, spurious: spurious)))
                gap = 0
                digits = 0
                inStaleRead = false
            default:
                return nil
            }
        }
        guard digits == 0, !deviations.isEmpty else { return nil }
        self.init(deviations)
    }

    /// The preemptions among the deviations cannot be told from the text alone (whether the
    /// running thread could go on is the run's knowledge); `ScheduleRun` counts them.
    var count: Int { deviations.count }

    /// The loads it makes read an older store than the latest.
    var staleReads: Int { deviations.count(where: \.choice.isStaleRead) }

    /// The spurious wake-ups it chooses: a replay needs that budget.
    var spuriousWakes: Int { deviations.count(where: \.choice.spurious) }

    /// This schedule without deviation `index`.
    func removing(at index: Int) -> Schedule {
        var copy = deviations
        copy.remove(at: index)
        return Schedule(copy)
    }
}
#endif
