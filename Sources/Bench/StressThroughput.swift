import Dispatch
import Foundation

/// The stress driver's throughput in jobs/s, read from a short run of its built binary
/// (`stress --seconds 5 --quiet --json PATH`). Never blocks the bench: a missing binary, a
/// failing run, a run over 60 s or a report without a throughput field all give "n/a" with
/// the reason.
enum StressThroughput {
    enum Outcome {
        case measured(jobsPerSecond: Double, binary: String)
        case unavailable(reason: String)

        var text: String {
            switch self {
            case .measured(let rate, let binary): "\(format(rate, digits: 0)) jobs/s (\(binary) --seconds 5)"
            case .unavailable(let reason): "n/a: \(reason)"
            }
        }
    }

    /// `stress` in the directory of this executable: where `swift build` puts both.
    static var defaultBinary: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("stress").path
    }

    static func measure(binary: String, seconds: Int = 5) -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            return .unavailable(reason: "no stress binary at \(binary) (build it: swift build -c release --product stress, same scratch path)")
        }
        let report = FileManager.default.temporaryDirectory
            .appendingPathComponent("bench-stress-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--seconds", String(seconds), "--quiet", "--json", report.path]
        process.standardOutput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return .unavailable(reason: "cannot start \(binary): \(error)")
        }
        if finished.wait(timeout: .now() + .seconds(seconds * 4 + 40)) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + .seconds(5))
            return .unavailable(reason: "\(binary) did not finish within \(seconds * 4 + 40) s; terminated")
        }
        guard process.terminationStatus == 0 else {
            return .unavailable(reason: "\(binary) exited with status \(process.terminationStatus)")
        }
        guard let data = try? Data(contentsOf: report),
              let json = try? JSONSerialization.jsonObject(with: data) else {
            return .unavailable(reason: "\(binary) wrote no readable JSON report")
        }
        if let rate = findThroughput(in: json) { return .measured(jobsPerSecond: rate, binary: binary) }
        return .unavailable(reason: "the JSON report has no jobs-per-second field (looked for jobsPerSecond, jobs_per_second, throughput, or jobs with seconds)")
    }

    /// Looks for the throughput at the top level, then one level down.
    static func findThroughput(in json: Any) -> Double? {
        guard let object = json as? [String: Any] else { return nil }
        for key in ["jobsPerSecond", "jobs_per_second", "throughputJobsPerSecond", "throughput"] {
            if let number = object[key] as? NSNumber { return number.doubleValue }
        }
        if let jobs = object["jobs"] as? NSNumber {
            for key in ["seconds", "elapsedSeconds", "elapsed_seconds", "durationSeconds"] {
                if let seconds = object[key] as? NSNumber, seconds.doubleValue > 0 {
                    return jobs.doubleValue / seconds.doubleValue
                }
            }
        }
        for value in object.values {
            if let nested = value as? [String: Any], let rate = findThroughput(in: nested) { return rate }
        }
        return nil
    }
}
