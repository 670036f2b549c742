import Glibc

/// What this process holds, as the kernel counts it: its threads, its address space
/// (VmSize), its resident memory (VmRSS), both from `/proc/self/status`, and its memory
/// mappings (the lines of `/proc/self/maps`).
///
/// Why all four: a thread that ended without being joined (nor detached) vanishes from the
/// thread count, yet keeps its stack: a mapping (plus its guard page) of the default stack
/// size in the address space, and the pages it touched in resident memory. Only the
/// mappings and the address space show such a leak quickly; the thread count shows the
/// leaks of threads that still run.
public struct ProcessFootprint: Sendable, Equatable, CustomStringConvertible {
    public var threads: UInt64
    public var virtualBytes: UInt64
    public var residentBytes: UInt64
    public var mappings: UInt64

    public init(threads: UInt64, virtualBytes: UInt64, residentBytes: UInt64, mappings: UInt64) {
        self.threads = threads
        self.virtualBytes = virtualBytes
        self.residentBytes = residentBytes
        self.mappings = mappings
    }

    /// The process's footprint now. An unreadable /proc is a precondition failure: a sample
    /// of zeros would pass every bound.
    public static func sample() -> ProcessFootprint {
        guard let status = FileAccess.readText("/proc/self/status") else {
            preconditionFailure("ProcessFootprint: cannot read /proc/self/status (errno \(errno))")
        }
        var footprint = ProcessFootprint(threads: 0, virtualBytes: 0, residentBytes: 0, mappings: 0)
        for line in status.split(separator: "\n") {
            if line.hasPrefix("Threads:") { footprint.threads = number(in: line) }
            if line.hasPrefix("VmSize:") { footprint.virtualBytes = number(in: line) * 1024 }
            if line.hasPrefix("VmRSS:") { footprint.residentBytes = number(in: line) * 1024 }
        }
        guard let maps = try? FileAccess.read("/proc/self/maps") else {
            preconditionFailure("ProcessFootprint: cannot read /proc/self/maps (errno \(errno))")
        }
        footprint.mappings = UInt64(maps.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) })
        precondition(footprint.threads > 0 && footprint.virtualBytes > 0 && footprint.mappings > 0,
                     "ProcessFootprint: /proc/self/status or /proc/self/maps lacks a field: \(footprint)")
        return footprint
    }

    /// The first number of a "Key:   1234 kB" line.
    static func number(in line: Substring) -> UInt64 {
        UInt64(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first { $0.first!.isNumber } ?? "0") ?? 0
    }

    public var description: String {
        "\(threads) threads, VmSize \(mebibytes(virtualBytes)), VmRSS \(mebibytes(residentBytes)), \(mappings) mappings"
    }
}

/// "12.3 MiB".
func mebibytes(_ bytes: UInt64) -> String {
    let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
    return "\(tenths / 10).\(tenths % 10) MiB"
}
