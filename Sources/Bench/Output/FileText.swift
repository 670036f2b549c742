import Glibc
import Pool

/// Reading and writing whole text files with libc, so that the bench needs no Foundation
/// (a static build stays small enough to copy to another machine).
enum FileText {
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `directory/name`, creating the directory and its parents.
    static func write(_ text: String, named name: String, in directory: String) throws(BenchFailure) -> String {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .output(path: prefix, reason: String(cString: strerror(errno)))
            }
        }
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        guard let file = fopen(path, "w") else { throw .output(path: path, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        if written != bytes.count || closed != 0 { throw .output(path: path, reason: "short write") }
        return path
    }
}

/// Where the numbers come from: CPU model, CPUs allowed, kernel, build.
enum Machine {
    static var description: String {
        let cpuInfo = FileText.read("/proc/cpuinfo") ?? ""
        let modelLine = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        let model = modelLine.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map(trimmed) ?? "unknown CPU"
        let isGuest = cpuInfo.contains(" hypervisor")
        let kernel = trimmed(Substring(FileText.read("/proc/sys/kernel/osrelease") ?? "?"))
        #if DEBUG
        let build = "DEBUG build (numbers are meaningless: use -c release)"
        #else
        let build = "release build"
        #endif
        return "\(model) ×\(CPUAffinity.availableCPUCount) allowed CPUs\(isGuest ? " (virtual machine)" : ""), Linux \(kernel), \(build)"
    }

    /// The 1-minute load average: other processes compete with the bench for the CPUs.
    static var loadAverage: String {
        (FileText.read("/proc/loadavg") ?? "?").split(separator: " ").first.map(String.init) ?? "?"
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\t" }.reversed())
    }
}
