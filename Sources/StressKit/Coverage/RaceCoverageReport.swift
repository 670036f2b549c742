/// The protocol-race coverage of one run, or of several summed (`stress summarize`): each
/// race of `ProtocolRace` with its count, per phase, and whether the runs could exercise it.
///
/// Invariants: one row per race, in `ProtocolRace.allCases` order for a run (a merged report
/// adds rows of races it does not know at the end, by name, so that a newer report's races
/// are kept); `count` is the sum of `perPhase`; `neverSeen` lists exactly the applicable rows
/// whose count is 0. Rows are keyed by the race's name, never by position.
public struct RaceCoverageReport: Codable, Sendable, Equatable {
    public var rows: [Row]
    /// The races the runs could exercise and never did.
    public var neverSeen: [String]

    public struct Row: Codable, Sendable, Equatable {
        /// `ProtocolRace.rawValue`.
        public var race: String
        /// `ProtocolRace.Block.rawValue`.
        public var block: String
        public var count: UInt64
        /// Count per phase ("hot", "noisy"), for the phases the runs had.
        public var perPhase: [String: UInt64]
        /// Whether the runs' options allowed the race (`ProtocolRace.requirement`).
        public var applicable: Bool

        public init(race: String, block: String, count: UInt64, perPhase: [String: UInt64], applicable: Bool) {
            self.race = race
            self.block = block
            self.count = count
            self.perPhase = perPhase
            self.applicable = applicable
        }
    }

    public init(rows: [Row]) {
        self.rows = rows
        neverSeen = rows.filter { $0.applicable && $0.count == 0 }.map(\.race)
    }

    /// One run's coverage: `counts` per phase in `ProtocolRace.allCases` order, over the
    /// phases the run had; `applicable` from its options.
    public init(counts: [StressPhase: [UInt64]], phases: [StressPhase], applicable: Set<ProtocolRace>) {
        self.init(rows: ProtocolRace.allCases.map { race in
            var perPhase: [String: UInt64] = [:]
            for phase in phases { perPhase[phase.rawValue] = counts[phase]?[race.ordinal] ?? 0 }
            return Row(race: race.rawValue, block: race.block.rawValue, count: perPhase.values.reduce(0, +),
                       perPhase: perPhase, applicable: applicable.contains(race))
        })
    }

    /// The sum of several runs' coverage: counts add up, and a race is applicable if it was
    /// in any run.
    public static func merged(_ reports: [RaceCoverageReport]) -> RaceCoverageReport? {
        guard let first = reports.first else { return nil }
        var rows = first.rows
        for report in reports.dropFirst() {
            for row in report.rows {
                guard let index = rows.firstIndex(where: { $0.race == row.race }) else {
                    rows.append(row)
                    continue
                }
                rows[index].count += row.count
                rows[index].perPhase.merge(row.perPhase, uniquingKeysWith: +)
                rows[index].applicable = rows[index].applicable || row.applicable
            }
        }
        return RaceCoverageReport(rows: rows)
    }

    /// The phases that have a column, in `StressPhase.allCases` order.
    var phaseColumns: [String] {
        StressPhase.allCases.map(\.rawValue).filter { phase in rows.contains { $0.perPhase[phase] != nil } }
    }

    /// "17 of 17 applicable races seen; 3 n/a with these options", for the summaries.
    public var headline: String {
        let applicable = rows.filter(\.applicable)
        let seen = applicable.filter { $0.count > 0 }.count
        let notApplicable = rows.count - applicable.count
        return "\(seen) of \(applicable.count) applicable races seen"
            + (notApplicable > 0 ? "; \(notApplicable) n/a with these options" : "")
            + (neverSeen.isEmpty ? "" : "; NEVER SEEN: \(neverSeen.joined(separator: ", "))")
    }

    /// The table the summaries print: race, block, a count per phase, the total, and
    /// "NEVER SEEN" or "n/a" where there is no count to show.
    public var tableLines: [String] {
        let phases = phaseColumns
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        func padLeft(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        let raceWidth = max(28, (rows.map(\.race.count).max() ?? 0) + 2)
        var lines = [pad("  race", raceWidth + 2) + pad("block", 18) + phases.map { padLeft($0, 12) }.joined() + padLeft("total", 12)]
        for row in rows {
            let counts = phases.map { padLeft(row.perPhase[$0].map(String.init) ?? "-", 12) }.joined()
            let total: String
            if !row.applicable && row.count == 0 {
                total = "n/a"
            } else {
                total = row.count == 0 ? "NEVER SEEN" : String(row.count)
            }
            lines.append(pad("  " + row.race, raceWidth + 2) + pad(row.block, 18) + counts + padLeft(total, 12))
        }
        return lines
    }
}
