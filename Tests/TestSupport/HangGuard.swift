import Glibc
import Pool
import Testing

/// Helpers for bodies that run inside exit tests (a child process of the test runner).
///
/// The child always ends with exit code 0 once its check has run, and writes its verdict
/// to stderr: a non-zero exit or a signal then means the child crashed or hung (SIGALRM),
/// which the parent's `.success` expectation reports, while a failed verdict comes back
/// as text the parent can show (a mismatched exit-test expectation returns no output).
package enum HangGuard {
    package static let passedLine = "verdict: passed"

    /// Arms SIGALRM (default action: terminate) after `seconds`, scaled under TSan unless
    /// `scaled` is false. A hung child then dies by SIGALRM, which the parent tells apart
    /// from other failures.
    package static func arm(seconds: Int, scaled: Bool = true) {
        alarm(UInt32(scaled ? seconds * TestTiming.slowdown : seconds))
    }

    /// Ends the child, writing the verdict for the parent to read.
    package static func finish(_ verdict: CheckVerdict) -> Never {
        StandardError.write(verdict.passed ? "\(passedLine)\n" : "verdict: failed\n\(verdict)\n")
        exit(0)
    }
}

/// The child's verdict text, or nil if it crashed or hung (already reported by `#expect`).
package func childVerdict(_ result: ExitTest.Result?) -> String? {
    result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) }
}

/// Expects the child's verdict to have passed, showing its findings otherwise.
package func expectChildPassed(_ result: ExitTest.Result?, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let text = childVerdict(result) else { return }
    #expect(text.contains(HangGuard.passedLine), "child's verdict:\n\(text)", sourceLocation: sourceLocation)
}
