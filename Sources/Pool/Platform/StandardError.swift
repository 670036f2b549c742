import Glibc

/// Unbuffered writes to file descriptor 2.
///
/// `write(2)` rather than stdio's `stderr`, which Swift 6 rejects as shared mutable state,
/// and which could block on stdio's lock in a thread that holds it across a fork or crash.
@usableFromInline package enum StandardError {
    @usableFromInline package static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
