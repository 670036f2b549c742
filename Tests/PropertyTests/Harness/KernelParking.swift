import Glibc

/// Whether a thread is blocked in the kernel's futex wait, read from
/// `/proc/self/task/<tid>/syscall` (the syscall a blocked thread sits in, and its arguments).
///
/// A sleeper count says a thread is parked *or about to park*: it is incremented before the
/// futex call. A detector that needs a thread truly asleep (a stop that must wake it, a job
/// that must wake it) and acts on the count alone races with the thread's last steps before
/// the call: if the word changes first, the kernel's compare fails (EAGAIN), the thread never
/// sleeps, and a broken wake goes unnoticed. That race made the stop-reach detector miss its
/// broken scheduler 2 runs in 5. Waiting for the kernel's own word removes it.
enum KernelParking {
    /// The futex syscall's number on this architecture.
    static var futexSyscall: Int {
        #if arch(x86_64)
        202
        #elseif arch(arm64)
        98
        #else
        -1
        #endif
    }

    /// True when thread `tid` of this process is blocked in futex wait on `address` (any
    /// futex, if `address` is nil).
    static func isBlockedInFutex(tid: Int32, address: UnsafeMutableRawPointer? = nil) -> Bool {
        guard let file = fopen("/proc/self/task/\(tid)/syscall", "r") else { return false }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let fields = String(cString: buffer).split(separator: " ")
        guard fields.count >= 2, Int(fields[0]) == futexSyscall else { return false }
        guard let address else { return true }
        return UInt(fields[1].dropFirst(2), radix: 16) == UInt(bitPattern: address)
    }
}
