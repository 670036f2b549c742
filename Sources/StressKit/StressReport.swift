import Glibc
import Pool

/// The end-of-run summary, as text and as JSON (`--json`).
public struct StressReport {
    let context: RunContext
    let verdict: Verdict
    let message: String
    let episode: Int
    let jobIndex: Int
    let elapsedSeconds: Double

    public init(context: RunContext, verdict: Verdict, message: String, episode: Int, jobIndex: Int, elapsedSeconds: Double) {
        self.context = context
        self.verdict = verdict
        self.message = message
        self.episode = episode
        self.jobIndex = jobIndex
        self.elapsedSeconds = elapsedSeconds
    }

    var statistics: StressStatistics { context.statistics }
    var jobs: UInt64 { statistics.jobs.load(ordering: .relaxed) }
    var jobsPerSecond: Double { elapsedSeconds > 0 ? Double(jobs) / elapsedSeconds : 0 }
    var violations: Int { verdict == .passed ? 0 : 1 }

    /// "0 failures in N jobs: failure rate < 3/N at 95%" (the rule of three).
    public var confidence: String {
        if verdict != .passed { return "1 failure in \(jobs) jobs: see above" }
        if jobs == 0 { return "0 failures in 0 jobs: no bound" }
        return "0 failures in \(jobs) jobs: failure rate < 3/\(jobs) = \(scientific(3 / Double(jobs))) at 95%"
    }

    var latencies: [(String, UInt64)] {
        [("p50", statistics.latencyPercentile(0.5)), ("p90", statistics.latencyPercentile(0.9)),
         ("p99", statistics.latencyPercentile(0.99)), ("p99.9", statistics.latencyPercentile(0.999)),
         ("max", statistics.worstLatency.load(ordering: .relaxed))]
    }

    public var text: String {
        var lines: [String] = []
        lines.append("stress \(RunContext.version): seed \(context.seed), plan digest \(hex(context.digest))"
                     + (context.options.variant.map { ", variant \($0.rawValue)" } ?? ""))
        lines.append("verdict: \(verdict.rawValue) (exit \(verdict.exitCode))")
        lines.append("jobs: \(jobs) in \(format3(elapsedSeconds)) s = \(Int(jobsPerSecond)) jobs/s; "
                     + "episodes \(statistics.episodes.load(ordering: .relaxed)), pools created \(statistics.poolsCreated.load(ordering: .relaxed))")
        lines.append("per scheduler and thread count:")
        for row in statistics.configurations {
            lines.append("  \(row.scheduler.rawValue) x\(row.threads): \(row.jobs) jobs")
        }
        lines.append("faults injected: \(statistics.faultsInjected.load(ordering: .relaxed)) (armed but not reached: \(statistics.faultsNotReached.load(ordering: .relaxed)))")
        for row in statistics.faults {
            lines.append("  \(row.kind.rawValue) at \(row.point): \(row.count)")
        }
        lines.append("stops propagated: \(statistics.stopsPropagated.load(ordering: .relaxed))")
        lines.append("latency: " + latencies.map { "\($0.0) \(duration($0.1))" }.joined(separator: ", "))
        lines.append("violations: \(violations)")
        lines.append(confidence)
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        var fields: [String] = []
        func add(_ key: String, _ value: String) { fields.append("  \(quote(key)): \(value)") }
        add("version", quote(RunContext.version))
        add("seed", "\(context.seed)")
        add("planDigest", quote(hex(context.digest)))
        add("variant", context.options.variant.map { quote($0.rawValue) } ?? "null")
        add("verdict", quote(verdict.rawValue))
        add("exitCode", "\(verdict.exitCode)")
        add("message", quote(message))
        add("episode", episode >= 0 ? "\(episode)" : "null")
        add("jobIndex", jobIndex >= 0 ? "\(jobIndex)" : "null")
        add("replay", episode >= 0 ? quote(context.replayCommand(episode: episode)) : "null")
        add("plannedSeconds", "\(context.options.seconds)")
        add("elapsedSeconds", format3(elapsedSeconds))
        add("jobs", "\(jobs)")
        add("jobsPerSecond", "\(Int(jobsPerSecond))")
        add("episodes", "\(statistics.episodes.load(ordering: .relaxed))")
        add("poolsCreated", "\(statistics.poolsCreated.load(ordering: .relaxed))")
        add("faultsInjected", "\(statistics.faultsInjected.load(ordering: .relaxed))")
        add("faultsNotReached", "\(statistics.faultsNotReached.load(ordering: .relaxed))")
        add("stopsPropagated", "\(statistics.stopsPropagated.load(ordering: .relaxed))")
        add("perConfiguration", "[" + statistics.configurations.map {
            "{\"scheduler\": \(quote($0.scheduler.rawValue)), \"threads\": \($0.threads), \"jobs\": \($0.jobs)}"
        }.joined(separator: ", ") + "]")
        add("faults", "[" + statistics.faults.map {
            "{\"kind\": \(quote($0.kind.rawValue)), \"point\": \(quote($0.point)), \"count\": \($0.count)}"
        }.joined(separator: ", ") + "]")
        add("latencyNanoseconds", "{" + latencies.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}")
        add("violations", "\(violations)")
        add("confidence", quote(confidence))
        return "{\n" + fields.joined(separator: ",\n") + "\n}\n"
    }

    public func writeJSONIfRequested() {
        guard let path = context.options.jsonPath else { return }
        guard let file = fopen(path, "w") else {
            ConsoleOutput.error("stress: cannot write --json \(path) (errno \(errno))\n")
            return
        }
        fputs(json, file)
        fclose(file)
    }
}

func quote(_ text: String) -> String {
    var escaped = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\t": escaped += "\\t"
        default:
            if scalar.value < 0x20 {
                let code = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - code.count) + code
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return escaped + "\""
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}

func duration(_ nanoseconds: UInt64) -> String {
    if nanoseconds < 10_000 { return "\(nanoseconds) ns" }
    if nanoseconds < 10_000_000 { return "\(nanoseconds / 1000) µs" }
    return "\(format3(Double(nanoseconds) / 1e9)) s"
}

func scientific(_ value: Double) -> String {
    var exponent = 0
    var mantissa = value
    while mantissa < 1 && exponent > -30 { mantissa *= 10; exponent -= 1 }
    let rounded = (mantissa * 10).rounded() / 10
    return "\(rounded)e\(exponent)"
}
