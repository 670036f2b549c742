import Glibc
import StressKit
import Testing

/// `stress report-field`: the scripts' way to read a report, through the report's type.
@Suite("stress report-field")
struct ReportFieldTests {
    @Test("Fields, nested fields, keys with dots, list items, absent optionals")
    func values() throws {
        let report = try ReportJSON.decode(StressSummary.self, from: Array(LegacyReportFixtures.passed.utf8), path: "fixture")
        #expect(ReportFieldCommand.value(of: "jobsPerSecond", in: report) == "6393")
        #expect(ReportFieldCommand.value(of: "seed", in: report) == "18446744073709551615")
        #expect(ReportFieldCommand.value(of: "elapsedSeconds", in: report) == "2.005")
        #expect(ReportFieldCommand.value(of: "verdict", in: report) == "passed")
        #expect(ReportFieldCommand.value(of: "latencyNanoseconds.p99.9", in: report) == "25165824")
        #expect(ReportFieldCommand.value(of: "latencyNanoseconds.max", in: report) == "29130511")
        #expect(ReportFieldCommand.value(of: "perConfiguration.1.jobs", in: report) == "1867")
        #expect(ReportFieldCommand.value(of: "perConfiguration.0", in: report) == #"{"jobs":1716,"scheduler":"basic","threads":1}"#)
        #expect(ReportFieldCommand.value(of: "replay", in: report) == nil)
        #expect(ReportFieldCommand.value(of: "perConfiguration.99.jobs", in: report) == nil)
        #expect(ReportFieldCommand.value(of: "jobs.count", in: report) == nil)
        #expect(ReportFieldCommand.value(of: "nonsense", in: report) == nil)
    }

    @Test("Exit codes: 0 printed, 1 no such field or no readable report")
    func exitCodes() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let report = folder.write(LegacyReportFixtures.violation, to: "report.json")
        let empty = folder.write("", to: "empty.json")
        #expect(StressDriver.main(arguments: ["report-field", report, "replay"]) == 0)
        #expect(StressDriver.main(arguments: ["report-field", report, "noSuchField"]) == 1)
        #expect(StressDriver.main(arguments: ["report-field", empty, "jobs"]) == 1)
        #expect(StressDriver.main(arguments: ["report-field", folder.path + "/absent.json", "jobs"]) == 1)
    }

    @Test("Bad command lines are usage errors, and exit 64", arguments: [
        [], ["report.json"], ["report.json", "jobs", "extra"], ["--bogus", "report.json", "jobs"], ["", "jobs"],
    ])
    func badCommandLine(_ arguments: [String]) {
        #expect(throws: StressUsageError.self, "\(arguments)") { try ReportFieldCommand.parse(arguments) }
        #expect(StressDriver.main(arguments: ["report-field"] + arguments) == 64)
    }

    @Test("--help is not an error")
    func help() throws {
        #expect(try ReportFieldCommand.parse(["--help"]) == nil)
        #expect(StressDriver.main(arguments: ["report-field", "--help"]) == 0)
    }
}
