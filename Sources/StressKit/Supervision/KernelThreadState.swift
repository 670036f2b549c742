/// What the kernel says of one thread of this process: its scheduling state, the CPU it last
/// ran on, and how long it has run and waited for a CPU in all (`/proc/self/task/TID/stat`
/// and `schedstat`).
///
/// Why the watchdog asks: the probe knows only the last point a thread passed. A thread
/// whose last point is 'before park' may be asleep in the kernel (a lost wake-up, if the
/// word moved on), or woken and runnable but not yet given a CPU: on a loaded machine a
/// thread pinned to a busy CPU can wait seconds. Only the kernel tells the two apart, and
/// calling the second a lost wake-up would be a false verdict.
struct KernelThreadState: Equatable, CustomStringConvertible {
    /// The state letter of `stat`: R runnable (running or waiting for a CPU), S sleeping
    /// (a futex wait, a park), D uninterruptible, T stopped, ...
    var state: Character
    /// The CPU it last ran on.
    var processor: Int
    /// Nanoseconds it has run, and waited on a run queue, since it started.
    var runNanoseconds: UInt64
    var runQueueWaitNanoseconds: UInt64

    /// A thread that the kernel would run if a CPU were free: it is not parked.
    var isRunnable: Bool { state == "R" }

    /// The state of thread `tid` of this process, or nil if it has ended (or /proc is not
    /// readable).
    static func read(tid: Int32) -> KernelThreadState? {
        guard tid > 0, let stat = FileAccess.readText("/proc/self/task/\(tid)/stat"),
              let schedstat = FileAccess.readText("/proc/self/task/\(tid)/schedstat") else { return nil }
        return parse(stat: stat, schedstat: schedstat)
    }

    /// Parses the two files' text. The thread's name sits in parentheses and may itself hold
    /// spaces and parentheses, so the fields are counted from the last ')'.
    static func parse(stat: String, schedstat: String) -> KernelThreadState? {
        guard let nameEnd = stat.lastIndex(of: ")") else { return nil }
        // After the name: field 3 (state) is the first, field 39 (processor) the 37th.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        let times = schedstat.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count > 36, let state = fields[0].first, let processor = Int(fields[36]),
              times.count >= 2, let run = UInt64(times[0]), let wait = UInt64(times[1]) else { return nil }
        return KernelThreadState(state: state, processor: processor, runNanoseconds: run, runQueueWaitNanoseconds: wait)
    }

    /// "runnable on CPU 1" or "sleeping (S) on CPU 0", for the dump.
    var description: String {
        (isRunnable ? "runnable" : state == "S" ? "sleeping (S)" : "state \(state)") + ", last on CPU \(processor)"
    }
}
