import CPoolSupport
import Glibc
import Synchronization

/// Notes in the run's shared state (`SharedRunState`) which thread dies of a fatal signal,
/// and lets the signal go on to kill the process as before.
///
/// The report itself is not written here: a dying thread may hold any lock (the allocator's,
/// the runtime's, the terminate mutex), so its handler does only what is async-signal-safe:
/// relaxed stores into the shared mapping, `clock_gettime`, `gettid`, and `open`/`read`/
/// `close` of `/proc/thread-self/comm` for the thread's name, straight into that mapping. No
/// allocation, no lock, no Swift runtime call. The supervisor, another process, writes the
/// report once the driver is dead.
///
/// Chaining: the previous disposition (the Swift runtime's backtracer, or the default) is
/// restored before the handler returns. A fault (si_code > 0) re-executes the faulting
/// instruction and raises the signal again; a signal sent by a process (kill, raise, abort:
/// si_code <= 0) is raised again explicitly. Either way the process dies of the same signal,
/// with the runtime's backtrace, as it would have without us.
enum FatalSignalRecorder {
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV]

    /// Set once, before the handlers are installed, and never changed: what the handler
    /// reads. Raw pointers, so that the handler touches no reference count.
    nonisolated(unsafe) private static var crashRecord: UnsafeMutablePointer<Atomic<UInt64>>?
    nonisolated(unsafe) private static var nameStorage: UnsafeMutableRawPointer?
    /// The previous action of each signal, by number.
    nonisolated(unsafe) private static var previousActions: UnsafeMutablePointer<sigaction>?
    private static let actionSlots = 65
    private static let threadNamePath: StaticString = "/proc/thread-self/comm"

    /// Installs the handlers for `state` (its mapping must live until the process ends: the
    /// driver's does). Once per process; later calls are ignored.
    static func install(_ state: SharedRunState) {
        guard crashRecord == nil else { return }
        nameStorage = state.crashNameStorage
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: actionSlots)
        actions.initialize(repeating: sigaction(), count: actionSlots)
        previousActions = actions
        crashRecord = state.crashRecord
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { signal, info, _ in FatalSignalRecorder.record(signal, info) }
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, actions + Int(signal))
        }
    }

    /// The handler's body: async-signal-safe only (see the type's comment).
    private static func record(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?) {
        let code = info?.pointee.si_code ?? 0
        if let record = crashRecord {
            typealias Word = SharedRunState.CrashWord
            // relaxed, all: the supervisor reads them after this process is dead.
            // The first dying thread fills the record; a second one only chains.
            if record[Word.signal.rawValue].compareExchange(expected: 0, desired: UInt64(signal), ordering: .relaxed).exchanged {
                record[Word.code.rawValue].store(UInt64(bitPattern: Int64(code)), ordering: .relaxed)
                let address = info.map { UInt64(UInt(bitPattern: $0.pointee._sifields._sigfault.si_addr)) } ?? 0
                record[Word.address.rawValue].store(address, ordering: .relaxed)
                record[Word.threadID.rawValue].store(UInt64(UInt32(bitPattern: cpool_gettid())), ordering: .relaxed)
                record[Word.threadHandle.rawValue].store(UInt64(pthread_self()), ordering: .relaxed)
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                record[Word.time.rawValue].store(UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec), ordering: .relaxed)
                if let nameStorage {
                    let descriptor = open(UnsafeRawPointer(threadNamePath.utf8Start).assumingMemoryBound(to: CChar.self), O_RDONLY)
                    if descriptor >= 0 {
                        let length = read(descriptor, nameStorage, SharedRunState.crashNameBytes)
                        close(descriptor)
                        record[Word.nameLength.rawValue].store(UInt64(max(0, length)), ordering: .relaxed)
                    }
                }
            }
        }
        if let previousActions { sigaction(signal, previousActions + Int(signal), nil) }
        // Sent by a process: nothing re-executes it, so raise it again (it stays pending
        // until this handler returns, then takes the previous action).
        if code <= 0 { pthread_kill(pthread_self(), signal) }
    }
}
