/// A table of strings, rendered either aligned for a terminal or as Markdown for the docs.
struct TextTable {
    var title: String
    var headers: [String]
    var rows: [[String]] = []

    /// Column 0 left-aligned, the rest right-aligned (numbers).
    func text() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0 ? pad(cell, widths[0]) : pad(cell, widths[column] + 2, right: true)
            }.joined()
        }
        return ([title, line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    func markdown() -> String {
        let separator = "|" + headers.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|"
        let lines = ["**\(title)**", "", "| " + headers.joined(separator: " | ") + " |", separator]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }
}
