import Glibc
import StressKit
import Testing

/// Reports are written atomically: a report file is complete or absent, never empty or
/// truncated, whatever ends the process; `--json` is checked at start without creating
/// the report.
@Suite("Report writing", .serialized)
struct ReportWritingTests {
    @Test("An atomic write replaces the file whole and leaves no temporary file")
    func atomicWrite() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/report.json"
        try FileAccess.writeAtomically(Array("first".utf8), to: path)
        #expect(FileAccess.readText(path) == "first")
        try FileAccess.writeAtomically(Array("second, longer".utf8), to: path)
        #expect(FileAccess.readText(path) == "second, longer")
        #expect(FileAccess.findFiles(named: FileAccess.lastComponent(of: FileAccess.temporaryPath(for: path)), under: folder.path).isEmpty)
    }

    @Test("A write cut short (the file size limit, as a full disk would) leaves the previous report whole")
    func writeCutShort() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.write(LegacyReportFixtures.passed, to: "report.json")
        await #expect(processExitsWith: .success) { [path = path as String] in
            alarm(30)
            // Past 100 bytes, write(2) fails with EFBIG instead of raising SIGXFSZ.
            signal(SIGXFSZ, SIG_IGN)
            let fileSize = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
            var limit = rlimit()
            getrlimit(fileSize, &limit)
            limit.rlim_cur = 100
            guard setrlimit(fileSize, &limit) == 0 else { exit(2) }
            do {
                try FileAccess.writeAtomically(Array(LegacyReportFixtures.violation.utf8), to: path)
                exit(3)
            } catch let error as FileAccessError {
                exit(error.operation == "write" ? 0 : 4)
            } catch {
                exit(5)
            }
        }
        #expect(FileAccess.readText(path) == LegacyReportFixtures.passed)
        #expect(FileAccess.entries(of: folder.path).map(\.path) == [path])
    }

    @Test("A write into a missing folder fails with the path, and creates nothing")
    func missingFolder() {
        #expect {
            try FileAccess.writeAtomically([1, 2, 3], to: "/nonexistent-folder/report.json")
        } throws: { error in
            "\(error)".contains("/nonexistent-folder/report.json.tmp.") && "\(error)".contains("No such file")
        }
    }

    @Test("--json is checked at start: a missing folder or a folder is refused")
    func prepareRefuses() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: FileAccessError.self) { try FileAccess.prepareForWriting("/nonexistent-folder/report.json") }
        #expect(throws: FileAccessError.self) { try FileAccess.prepareForWriting(folder.path) }
        #expect(StressDriver.main(arguments: ["--json", folder.path, "--seconds", "1"]) == 64)
    }

    @Test("--json at start creates no report and removes a stale one")
    func prepareRemovesStale() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let fresh = folder.path + "/fresh.json"
        try FileAccess.prepareForWriting(fresh)
        #expect(!FileAccess.exists(fresh))
        let stale = folder.write(LegacyReportFixtures.passed, to: "stale.json")
        try FileAccess.prepareForWriting(stale)
        #expect(!FileAccess.exists(stale))
        #expect(FileAccess.findFiles(named: "stale.json.tmp.\(getpid())", under: folder.path).isEmpty)
    }

    @Test("A run killed before its end leaves no report: not an empty one, not a stale one")
    func killedRun() async {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.write(LegacyReportFixtures.passed, to: "killed.json")
        await #expect(processExitsWith: .signal(SIGALRM)) { [path = path as String] in
            alarm(1)
            exit(StressDriver.main(arguments: ["--seconds", "60", "--threads", "1-2", "--quiet", "--json", path]))
        }
        #expect(!FileAccess.exists(path))
    }

    @Test("A run that ends writes its report, decoded by the same type")
    func completedRun() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/passed.json"
        await #expect(processExitsWith: .success) { [path = path as String] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--seconds", "1", "--seed", "3", "--threads", "1-2", "--quiet", "--json", path]))
        }
        let report = try StressSummary.read(path)
        #expect(report.knownVerdict == .passed && report.schemaVersion == StressSummary.currentSchemaVersion)
        #expect(report.seed == 3 && report.jobs > 0 && report.replay == nil)
    }

    @Test("A violation writes its report from the thread that found it, with the replay command", .runsCanary)
    func violationReport() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/violation.json"
        await #expect(processExitsWith: .exitCode(1)) { [path = path as String] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--variant", "late-unlock", "--seconds", "60", "--threads", "3,4", "--noise", "3",
                                               "--quiet", "--json", path]))
        }
        let report = try StressSummary.read(path)
        #expect(report.knownVerdict == .invariant && report.exitCode == 1 && report.variant == "late-unlock")
        #expect(report.episode != nil && report.replay?.contains("--variant late-unlock --from-episode ") == true)
    }
}
