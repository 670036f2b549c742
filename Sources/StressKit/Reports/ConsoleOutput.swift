import Glibc

/// Unbuffered writes to stdout and stderr with `write(2)`.
///
/// Not `print`: its buffer would be lost when a violation ends the process with `_exit`
/// from whichever thread found it, and `_exit` is how the driver ends (other threads may
/// be stuck in the very protocol that failed, so no orderly shutdown is possible).
public enum ConsoleOutput {
    public static func out(_ text: String) { write(text, to: 1) }
    public static func error(_ text: String) { write(text, to: 2) }

    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
