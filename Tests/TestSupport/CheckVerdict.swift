/// What a detector can report. Broken-variant tests assert on these, so each detector is
/// shown to fire for the right reason, not just to fail somehow.
package enum Finding: String, Sendable, Codable, CaseIterable {
    /// A result differs from the sequential one.
    case wrongResult
    /// More than one thread, or none, received a job's total.
    case totalNotExactlyOnce
    /// The reducer's remaining-thread count went below zero (wrapped) or skipped values.
    case countUnderflow
    /// A worker processed one job more than once.
    case doubleProcessing
    /// A worker never processed a job.
    case missedTask
    /// A thread waiting in the scheduler did not return `.stopped` after `stop()`.
    case stopNotReached
    /// A parked worker was not woken by the next job.
    case parkedNotWoken
    /// Shares that do not cover the target exactly, or differ by more than one.
    case badShares
    /// A sum beyond UInt64.max was returned instead of thrown.
    case silentWrap
    /// An error other than the one the contract requires.
    case wrongError
    /// Threads outlived their pool.
    case threadLeak
    /// A bounded wait of the harness itself expired.
    case timeout
    /// The scenario could not set itself up (a precondition of the check, not of the code).
    case setup
}

/// A detector's result: the findings, each with a sentence saying what was seen.
///
/// Checkers return a verdict instead of calling `#expect`, so the same checker runs on the
/// correct building blocks (expect no finding) and on the broken ones (expect a finding).
/// (Not the stress driver's `Verdict`, which is how a whole stress run ended.)
package struct CheckVerdict: Sendable, CustomStringConvertible {
    private(set) var problems: [(finding: Finding, detail: String)] = []
    /// Problems beyond this many are counted, not kept.
    package private(set) var dropped = 0

    package init() {}

    package var passed: Bool { problems.isEmpty }

    package func contains(_ finding: Finding) -> Bool { problems.contains { $0.finding == finding } }

    package mutating func report(_ finding: Finding, _ detail: String) {
        if problems.count < 24 { problems.append((finding, detail)) } else { dropped += 1 }
    }

    package mutating func check(_ condition: Bool, _ finding: Finding, _ detail: @autoclosure () -> String) {
        if !condition { report(finding, detail()) }
    }

    package mutating func absorb(_ other: CheckVerdict, context: String) {
        for problem in other.problems { report(problem.finding, "\(context): \(problem.detail)") }
        dropped += other.dropped
    }

    package var description: String {
        if passed { return "no findings" }
        var lines = problems.map { "[\($0.finding.rawValue)] \($0.detail)" }
        if dropped > 0 { lines.append("(\(dropped) more)") }
        return lines.joined(separator: "\n")
    }
}
