import TestSupport
import Testing

/// Every property suite, run one test at a time: most of them spin more threads than the
/// machine's 2 cores, and concurrent tests would only measure oversubscription.
@Suite(.serialized)
struct PropertyTests {}

/// Turns a verdict into a test result: one issue per finding.
func expectNoFindings(_ verdict: CheckVerdict, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(verdict.passed, "\(context):\n\(verdict)", sourceLocation: sourceLocation)
}

/// Asserts that a detector fired, and for the right reason.
func expectFinding(_ finding: Finding, in verdict: CheckVerdict, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(verdict.contains(finding), "\(context): expected a \(finding.rawValue) finding, got:\n\(verdict)",
            sourceLocation: sourceLocation)
}
