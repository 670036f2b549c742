import Glibc
import Testing

/// The docs check (`scripts/check-docs.sh`) must be able to fail: its self-check plants one
/// defect of each kind (a name the code does not declare, a citation of a file outside the
/// repository, a path outside it, a missing path, a missing section, a broken link) in a
/// temporary copy of the repository and requires each to be reported by name.
@Suite("Docs check")
struct DocsCheckTests {
    /// The repository root: three levels above this file (Tests/StressTests/DocsCheckTests.swift).
    static let repository: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    @Test("Every planted defect is reported (check-docs.sh --self-check)")
    func plantedDefectsAreReported() {
        // The script's report goes to this process's output, where the test log shows it.
        // Bounded: `timeout` ends the script if it ever hangs.
        let status = system("cd '\(Self.repository)' && timeout 120 scripts/check-docs.sh --self-check")
        #expect(status == 0, "scripts/check-docs.sh --self-check failed (wait status \(status)); its report is in the test output")
    }
}
