import Foundation
import Pool

/// Where the numbers come from: CPU model, CPUs allowed, kernel, build.
enum Machine {
    static var description: String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuInfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        let isGuest = cpuInfo.contains(" hypervisor")
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #if DEBUG
        let build = "DEBUG build (numbers are meaningless: use -c release)"
        #else
        let build = "release build"
        #endif
        return "\(model) ×\(CPUAffinity.availableCPUCount) allowed CPUs\(isGuest ? " (virtual machine)" : ""), Linux \(kernel), \(build)"
    }
}

/// Writes report files, creating the directory.
enum OutputFiles {
    static func write(_ text: String, named name: String, in directory: String) throws(BenchFailure) -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .output(path: path, reason: "\(error)")
        }
        return path
    }
}
