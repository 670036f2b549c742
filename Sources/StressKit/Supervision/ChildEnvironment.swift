import Glibc

/// The environment a child process is started with: this process's own (`environ`), with
/// some variables replaced. `posix_spawn` takes the whole list, and the C library's `getenv`
/// (ThreadSanitizer's option reader too) returns the first entry of a name, so a variable is
/// replaced by leaving its old entry out, never by adding a second one.
///
/// Invariant: each name given to `replacing` appears exactly once in `entries`.
package struct ChildEnvironment {
    /// `NAME=value` entries, in the order `posix_spawn` passes them on.
    package private(set) var entries: [String]

    /// This process's environment as it is now.
    package init() {
        entries = []
        var entry = environ
        while let pointer = entry.pointee {
            entries.append(String(cString: pointer))
            entry += 1
        }
    }

    /// The value of `name` in these entries, or nil.
    package func value(of name: String) -> String? {
        entries.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// These entries with `name` set to `value` (any earlier entry of that name left out).
    package func replacing(_ name: String, with value: String) -> ChildEnvironment {
        var copy = self
        copy.entries.removeAll { $0.hasPrefix(name + "=") }
        copy.entries.append(name + "=" + value)
        return copy
    }

    /// Calls `body` with the entries as the NULL-terminated C array `posix_spawn` takes; the
    /// strings live until `body` returns.
    package func withCArray<Result>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
        let pointers: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
