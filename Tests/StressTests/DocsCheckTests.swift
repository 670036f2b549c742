import Glibc
import Testing

/// The docs check (`scripts/check-docs.sh`) must be able to fail: its self-check plants one
/// defect of each kind (a name the code does not declare, in a document and in README.md; a
/// citation of a file outside the repository, a path outside it, a missing path, a missing
/// section, a broken link; a canary the registry lacks; a stress, exploration, bench, soak
/// and tsan command line that does not parse; a Layout entry that does not exist and a folder
/// the Layout leaves out; a word about how the repository was made) in a temporary copy of
/// the repository and requires each to be reported by name.
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
        // Bounded: `timeout` ends the script if it ever hangs. CHECK_DOCS_NO_BUILD: no
        // `swift build` inside `swift test` (it would wait for this build's lock); the command
        // lines are checked with the stress and bench this build made, or skipped with a note.
        let status = system("cd '\(Self.repository)' && CHECK_DOCS_NO_BUILD=1 timeout 300 scripts/check-docs.sh --self-check")
        #expect(status == 0, "scripts/check-docs.sh --self-check failed (wait status \(status)); its report is in the test output")
    }
}
