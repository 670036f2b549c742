import Glibc
import StressKit
import Testing

/// Runs the stress driver on `arguments` in a child process armed with an alarm, expects it
/// to end as `condition`, and expects each of `texts` on its standard error.
func expectDriverRun(_ arguments: [String], endsAs condition: ExitTest.Condition, showing texts: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) async {
    let result = await #expect(processExitsWith: condition, observing: [\.standardErrorContent], sourceLocation: sourceLocation) { [arguments] in
        alarm(120)
        exit(StressDriver.main(arguments: arguments))
    }
    let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    for text in texts {
        #expect(standardError.contains(text), "the driver's stderr lacks '\(text)'", sourceLocation: sourceLocation)
    }
}
