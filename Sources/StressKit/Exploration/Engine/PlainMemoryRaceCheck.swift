#if Exploration
/// The happens-before race check of plain memory (`PaddedCell`: the reducers' sums and
/// contributions, the sequence scheduler's copies), under a weak memory model: two accesses to
/// one cell, at least one a write, that `MemoryModel`'s vector clocks do not order are a data
/// race (C++20 [intro.races]: undefined behaviour, whatever values the run saw).
///
/// Per cell it keeps the last write and, per thread, the last read since it (enough: an access
/// ordered after a thread's last read is ordered after its earlier ones). Plain state, owned
/// by one `ScheduleRun`.
struct PlainMemoryRaceCheck {
    struct Access {
        var thread: Int
        /// The thread's clock entry at the access.
        var event: Int32
        /// The decision the schedule had reached, for the report.
        var step: Int
        var writes: Bool

        var text: String { "thread \(thread) \(writes ? "wrote" : "read") it (step \(step))" }
    }

    private struct Cell {
        var lastWrite: Access?
        var readsSinceWrite: [Access] = []
    }

    private var cells: [UInt: Cell] = [:]

    /// Records `access` to the cell at `address` by a thread whose clock is `clock`; returns
    /// the report of a race with an earlier access, if any.
    mutating func check(_ address: UInt, _ access: Access, clock: VectorClock) -> String? {
        var cell = cells[address] ?? Cell()
        defer { cells[address] = cell }
        func unordered(_ earlier: Access) -> Bool {
            earlier.thread != access.thread && earlier.event > clock[earlier.thread]
        }
        if let write = cell.lastWrite, unordered(write) { return report(address, write, access) }
        if access.writes {
            if let read = cell.readsSinceWrite.first(where: unordered) { return report(address, read, access) }
            cell.lastWrite = access
            cell.readsSinceWrite.removeAll(keepingCapacity: true)
        } else if let index = cell.readsSinceWrite.firstIndex(where: { $0.thread == access.thread }) {
            cell.readsSinceWrite[index] = access
        } else {
            cell.readsSinceWrite.append(access)
        }
        return nil
    }

    private func report(_ address: UInt, _ earlier: Access, _ later: Access) -> String {
        "plain memory at 0x\(String(address, radix: 16)): \(earlier.text), then \(later.text), "
            + "and no happens-before orders the two (no release read by an acquire between them)"
    }
}
#endif
