import Glibc

// Number formats shared by the run summary, the watchdog and `stress summarize`, without
// Foundation (whose `String(format:)` lives in the full Foundation, not FoundationEssentials).

/// A 64-bit value as 16 hex digits: the plan digest.
func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}

/// A duration in the unit that keeps it readable: ns below 10 µs, µs below 10 ms, else s.
func duration(_ nanoseconds: UInt64) -> String {
    if nanoseconds < 10_000 { return "\(nanoseconds) ns" }
    if nanoseconds < 10_000_000 { return "\(nanoseconds / 1000) µs" }
    return "\(format3(Double(nanoseconds) / 1e9)) s"
}

/// A small positive value as "2.4e-5": the run summary's failure-rate bound.
func scientific(_ value: Double) -> String {
    var exponent = 0
    var mantissa = value
    while mantissa < 1 && exponent > -30 { mantissa *= 10; exponent -= 1 }
    let rounded = (mantissa * 10).rounded() / 10
    return "\(rounded)e\(exponent)"
}

/// One number through a C `printf` conversion ("%.1f", "%.2f", "%.1e"): the soak summary's
/// formats, spelled exactly as C (and Foundation's `String(format:)`) spell them.
func printfFormat(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = withVaList([value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    guard length >= 0 else { return "\(value)" }
    return String(decoding: buffer.prefix(min(Int(length), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
