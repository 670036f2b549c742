// The summary of a soak: one results folder of scripts/soak.sh, or several merged (--merge).
//
//   swift scripts/soak-summary.swift [--merge] --out DIR FOLDER...
//
// Reads every runs.tsv under the folders (with meta.env and the stress JSON reports beside
// it), prints one summary (jobs, faults, throughput of release against TSan, the self-test,
// the confidence bound, the findings), writes it to DIR/summary.txt and DIR/summary.json,
// and exits 1 if anything was found (or, with --merge, if a shard did not finish), else 0.
// Toolchain only: the Swift interpreter and Foundation's JSON parser.
import Foundation

/// One line of runs.tsv, with its JSON report parsed when it has one.
struct SoakRun {
    var phase: String
    var seed: String
    var plannedSeconds: Double
    var exitCode: Int
    var tsanReport: String
    var detail: String
    var log: String
    var report: [String: Any]?

    func number(_ key: String) -> Double { (report?[key] as? NSNumber)?.doubleValue ?? 0 }
    func text(_ key: String) -> String? { report?[key] as? String }
}

/// One results folder (one shard).
struct SoakShard {
    var folder: URL
    var meta: [String: String]
    var runs: [SoakRun]
    /// Whether the shard's own soak.sh reached its summary (it writes summary.json last).
    var finished: Bool
}

/// Totals of the stress runs of one phase ("release" or "tsan").
struct PhaseTotals {
    var runs = 0
    var jobs = 0.0
    var seconds = 0.0
    var faultsInjected = 0.0
    var faultsNotReached = 0.0
    var stopsPropagated = 0.0
    var poolsCreated = 0.0
    var worstLatencyNanoseconds = 0.0
    var perConfiguration: [String: Double] = [:]
    var faultsByKind: [String: Double] = [:]

    var jobsPerSecond: Double { seconds > 0 ? jobs / seconds : 0 }

    mutating func add(_ run: SoakRun) {
        guard let report = run.report else { return }
        runs += 1
        jobs += run.number("jobs")
        seconds += run.number("elapsedSeconds")
        faultsInjected += run.number("faultsInjected")
        faultsNotReached += run.number("faultsNotReached")
        stopsPropagated += run.number("stopsPropagated")
        poolsCreated += run.number("poolsCreated")
        if let latency = report["latencyNanoseconds"] as? [String: Any],
           let worst = (latency["max"] as? NSNumber)?.doubleValue {
            worstLatencyNanoseconds = max(worstLatencyNanoseconds, worst)
        }
        for row in report["perConfiguration"] as? [[String: Any]] ?? [] {
            let key = "\(row["scheduler"] ?? "?") x\(row["threads"] ?? "?")"
            perConfiguration[key, default: 0] += (row["jobs"] as? NSNumber)?.doubleValue ?? 0
        }
        for row in report["faults"] as? [[String: Any]] ?? [] {
            faultsByKind["\(row["kind"] ?? "?")", default: 0] += (row["count"] as? NSNumber)?.doubleValue ?? 0
        }
    }

    func line(_ name: String) -> String {
        let faults = faultsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value))" }.joined(separator: ", ")
        return "\(name): \(Int(jobs)) jobs in \(String(format: "%.1f", seconds)) s = \(Int(jobsPerSecond)) jobs/s "
            + "(\(runs) run\(runs == 1 ? "" : "s")); faults injected \(Int(faultsInjected))"
            + (faults.isEmpty ? "" : " [\(faults)]")
            + ", stops propagated \(Int(stopsPropagated)), pools created \(Int(poolsCreated)), "
            + "worst job latency \(String(format: "%.3f", worstLatencyNanoseconds / 1e9)) s"
    }

    var dictionary: [String: Any] {
        ["runs": runs, "jobs": jobs, "seconds": seconds, "jobsPerSecond": jobsPerSecond,
         "faultsInjected": faultsInjected, "faultsNotReached": faultsNotReached,
         "stopsPropagated": stopsPropagated, "poolsCreated": poolsCreated,
         "worstLatencyNanoseconds": worstLatencyNanoseconds,
         "perConfiguration": perConfiguration, "faultsByKind": faultsByKind]
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("soak-summary: \(message)\nusage: swift scripts/soak-summary.swift [--merge] --out DIR FOLDER...\n".utf8))
    exit(64)
}

func readText(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

func loadShard(runsFile: URL) -> SoakShard {
    let folder = runsFile.deletingLastPathComponent()
    var meta: [String: String] = [:]
    for line in (readText(folder.appendingPathComponent("meta.env")) ?? "").split(separator: "\n") {
        if let equals = line.firstIndex(of: "=") {
            meta[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
    }
    var runs: [SoakRun] = []
    for line in (readText(runsFile) ?? "").split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else { continue }
        var run = SoakRun(phase: fields[0], seed: fields[1], plannedSeconds: Double(fields[2]) ?? 0,
                          exitCode: Int(fields[3]) ?? -1, tsanReport: fields[4], detail: fields[5], log: fields[6])
        if run.detail.hasSuffix(".json"),
           let data = try? Data(contentsOf: folder.appendingPathComponent(run.detail)) {
            run.report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
        runs.append(run)
    }
    let finished = FileManager.default.fileExists(atPath: folder.appendingPathComponent("summary.json").path)
    return SoakShard(folder: folder, meta: meta, runs: runs, finished: finished)
}

func findRunsFiles(under root: URL) -> [URL] {
    if root.lastPathComponent == "runs.tsv" { return [root] }
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
    return walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent == "runs.tsv" }
        .sorted { $0.path < $1.path }
}

/// What went wrong in one run, or nil.
func finding(_ run: SoakRun, shard: String) -> String? {
    let place = "[\(shard)] \(run.phase) seed \(run.seed)"
    switch run.phase {
    case "release", "tsan":
        if run.tsanReport == "yes" {
            return "\(place): ThreadSanitizer reported (see reports/ and \(run.log))"
        }
        if run.exitCode != 0 {
            let verdict = run.text("verdict").map { "\($0): " } ?? ""
            let message = run.text("message") ?? "no JSON report; see \(run.log)"
            let replay = run.text("replay").map { "; replay: \($0)" } ?? ""
            return "\(place): exit \(run.exitCode) (\(verdict)\(message))\(replay)"
        }
        if run.report == nil { return "\(place): exit 0 but no JSON report (\(run.detail))" }
        if run.number("violations") != 0 { return "\(place): \(Int(run.number("violations"))) violation(s)" }
        return nil
    case "tsan-canary":
        return run.tsanReport == "yes" ? nil
            : "\(place): ordering canary \(run.detail) NOT reported by TSan (exit \(run.exitCode)): TSan cannot see ordering bugs on this machine"
    case "self-test":
        return run.exitCode == 0 ? nil : "\(place): self-test exit \(run.exitCode) (a canary survived or the run failed; see \(run.log))"
    default:
        return "\(place): unknown phase in runs.tsv"
    }
}

/// Self-test results per canary, over every shard: detections and the slowest detection.
struct CanaryTally {
    var runs = 0
    var detected = 0
    var slowestSeconds = 0.0
    var how: Set<String> = []
}

/// Reads the self-test's per-canary lines: "  name: detected (how) in X s" or "  name: SURVIVED (...) ...".
func tallySelfTest(_ shard: SoakShard, run: SoakRun, into tallies: inout [String: CanaryTally]) {
    let text = readText(shard.folder.appendingPathComponent(run.log)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix("  ") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.range(of: ": ") else { continue }
        let name = String(trimmed[..<colon.lowerBound])
        let rest = trimmed[colon.upperBound...]
        let detected = rest.hasPrefix("detected")
        guard detected || rest.hasPrefix("SURVIVED") else { continue }
        var tally = tallies[name, default: CanaryTally()]
        tally.runs += 1
        if detected {
            tally.detected += 1
            if let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")") {
                tally.how.insert(String(rest[rest.index(after: open)..<close]))
            }
            if let inRange = rest.range(of: " in ", options: .backwards),
               let seconds = Double(rest[inRange.upperBound...].split(separator: " ").first ?? "") {
                tally.slowestSeconds = max(tally.slowestSeconds, seconds)
            }
        }
        tallies[name] = tally
    }
}

// Command line.
var arguments = Array(CommandLine.arguments.dropFirst())
var mergeMode = false
var outputFolder: URL?
var inputFolders: [URL] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--merge": mergeMode = true
    case "--out":
        guard !arguments.isEmpty else { fail("--out needs a folder") }
        outputFolder = URL(fileURLWithPath: arguments.removeFirst())
    default:
        if argument.hasPrefix("-") { fail("unknown option \(argument)") }
        inputFolders.append(URL(fileURLWithPath: argument))
    }
}
guard let outputFolder, !inputFolders.isEmpty else { fail("needs --out DIR and at least one folder") }

let shards = inputFolders.flatMap(findRunsFiles).map(loadShard)
var lines: [String] = []
var findings: [String] = []
if shards.isEmpty { findings.append("no runs.tsv found under \(inputFolders.map(\.path).joined(separator: ", "))") }

var release = PhaseTotals()
var tsan = PhaseTotals()
var orderingCanaries: [String: (reported: Int, runs: Int)] = [:]
var selfTest: [String: CanaryTally] = [:]
for shard in shards {
    let name = shard.meta["shard"] ?? shard.folder.lastPathComponent
    if mergeMode && !shard.finished {
        findings.append("[\(name)] did not finish (no summary.json in \(shard.folder.path)): cancelled, timed out or crashed")
    }
    for run in shard.runs {
        if let problem = finding(run, shard: name) { findings.append(problem) }
        switch run.phase {
        case "release": release.add(run)
        case "tsan": tsan.add(run)
        case "tsan-canary":
            let tally = orderingCanaries[run.detail, default: (0, 0)]
            orderingCanaries[run.detail] = (tally.reported + (run.tsanReport == "yes" ? 1 : 0), tally.runs + 1)
        case "self-test": tallySelfTest(shard, run: run, into: &selfTest)
        default: break
        }
    }
}

let shardNames = shards.map { $0.meta["shard"] ?? $0.folder.lastPathComponent }
let seedRanges = shards.map { shard -> String in
    let seeds = shard.runs.filter { $0.phase == "release" || $0.phase == "tsan" }.compactMap { UInt64($0.seed) }
    guard let low = seeds.min(), let high = seeds.max() else { return "-" }
    return "\(shard.meta["shard"] ?? "?") \(shard.meta["scheduler"] ?? "?") seeds \(low)...\(high)"
}
lines.append("soak summary: \(shards.count) shard\(shards.count == 1 ? "" : "s") (\(shardNames.joined(separator: ", ")))")
if let first = shards.first {
    lines.append("  commit \(first.meta["commit"] ?? "?"), \(first.meta["toolchain"] ?? "?"), \(first.meta["host_cpus"] ?? "?") CPUs")
}
lines.append("  " + seedRanges.joined(separator: "; "))
lines.append("  " + release.line("release"))
lines.append("  " + tsan.line("tsan   "))
if release.jobsPerSecond > 0 && tsan.jobsPerSecond > 0 {
    lines.append(String(format: "  throughput: TSan %.0f jobs/s against release %.0f jobs/s on the same seeds: %.2fx slower",
                        tsan.jobsPerSecond, release.jobsPerSecond, release.jobsPerSecond / tsan.jobsPerSecond))
}
let configurations = release.perConfiguration.merging(tsan.perConfiguration, uniquingKeysWith: +)
    .sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value))" }
if !configurations.isEmpty { lines.append("  jobs per scheduler and thread count: " + configurations.joined(separator: ", ")) }
lines.append("  TSan ordering canaries: " + (orderingCanaries.isEmpty ? "not run" : orderingCanaries.sorted { $0.key < $1.key }
    .map { "\($0.key) reported by TSan in \($0.value.reported)/\($0.value.runs) run\($0.value.runs == 1 ? "" : "s")" }
    .joined(separator: ", ")))
lines.append("  self-test (canaries the harness must catch without TSan):" + (selfTest.isEmpty ? " not run, or no result lines" : ""))
for (name, tally) in selfTest.sorted(by: { $0.key < $1.key }) {
    let survived = tally.runs - tally.detected
    lines.append("    \(name): detected in \(tally.detected)/\(tally.runs) run\(tally.runs == 1 ? "" : "s")"
                 + (tally.how.isEmpty ? "" : " (\(tally.how.sorted().joined(separator: ", ")))")
                 + (tally.detected > 0 ? String(format: ", slowest detection %.1f s", tally.slowestSeconds) : "")
                 + (survived > 0 ? "; SURVIVED \(survived)" : ""))
}
let totalJobs = Int(release.jobs + tsan.jobs)
let runFailures = findings.count
if runFailures == 0 && totalJobs > 0 {
    lines.append("  0 failures in \(totalJobs) jobs (release + TSan): failure rate < 3/\(totalJobs) = "
                 + String(format: "%.1e", 3 / Double(totalJobs)) + " per job at 95% confidence")
} else {
    lines.append("  \(runFailures) finding\(runFailures == 1 ? "" : "s") in \(totalJobs) jobs: no confidence bound")
}
lines += findings.map { "  FOUND " + $0 }
lines.append(findings.isEmpty ? "soak verdict: CLEAN" : "soak verdict: FOUND \(findings.count) problem\(findings.count == 1 ? "" : "s")")

let text = lines.joined(separator: "\n") + "\n"
print(text, terminator: "")
let summary: [String: Any] = [
    "shards": shardNames, "release": release.dictionary, "tsan": tsan.dictionary,
    "totalJobs": totalJobs, "findings": findings, "clean": findings.isEmpty,
    "tsanSlowdown": tsan.jobsPerSecond > 0 ? release.jobsPerSecond / tsan.jobsPerSecond : 0,
]
do {
    try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: outputFolder.appendingPathComponent("summary.txt"))
    let json = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
    try json.write(to: outputFolder.appendingPathComponent("summary.json"))
} catch {
    FileHandle.standardError.write(Data("soak-summary: cannot write the summary to \(outputFolder.path): \(error)\n".utf8))
    exit(1)
}
exit(findings.isEmpty ? 0 : 1)
