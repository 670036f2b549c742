import CPoolSupport
import Glibc
import Pool
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
/// Chaining, so that the process still dies of the same signal, with the Swift runtime's
/// backtrace: for a fault (si_code > 0) the previous disposition (the runtime's backtracer,
/// or the default) is restored and the handler returns: the faulting instruction runs again
/// and faults under it. A signal sent by a process (kill, raise, abort, pthread_kill: si_code
/// <= 0) recurs by itself only for abort(); so the previous handler is called here, then the
/// default action is restored and the signal raised again. (The runtime's handler returns
/// from a SIGABRT, counting on abort() to raise it again: a SIGABRT from kill would be
/// survived, and a crash would go unreported.)
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
    /// driver's does), and unblocks the signals in the calling thread, so in every thread it
    /// creates after: a thread that blocks a fault's signal dies of it without any handler
    /// (the kernel forces the default action), and one that blocks SIGABRT never receives a
    /// kill's. (A thread may start with them blocked: Dispatch's workers block SIGABRT, and an
    /// exit test's body runs on one.) Handlers once per process; later calls only unblock.
    static func install(_ state: SharedRunState) {
        var fatal = sigset_t()
        sigemptyset(&fatal)
        for signal in signals { sigaddset(&fatal, signal) }
        pthread_sigmask(SIG_UNBLOCK, &fatal, nil)
        guard crashRecord == nil else { return }
        nameStorage = state.crashNameStorage
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: actionSlots)
        actions.initialize(repeating: sigaction(), count: actionSlots)
        previousActions = actions
        crashRecord = state.crashRecord
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { signal, info, context in
                FatalSignalRecorder.record(signal, info)
                FatalSignalRecorder.chain(signal, info, context)
            }
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
                // clock_gettime is async-signal-safe, and MonotonicClock is only that call.
                record[Word.time.rawValue].store(MonotonicClock.nanoseconds(), ordering: .relaxed)
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
    }

    /// Hands the signal on (see the type's comment on chaining). Async-signal-safe.
    private static func chain(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
        guard let previous = previousActions.map({ $0 + Int(signal) }) else { return }
        if (info?.pointee.si_code ?? 0) > 0 {
            sigaction(signal, previous, nil)
            return
        }
        // SIG_DFL is 0 and SIG_IGN is 1: neither may be called.
        let raw = unsafeBitCast(previous.pointee.__sigaction_handler.sa_handler, to: UInt.self)
        if raw > 1 {
            if previous.pointee.sa_flags & SA_SIGINFO != 0 {
                previous.pointee.__sigaction_handler.sa_sigaction?(signal, info, context)
            } else {
                previous.pointee.__sigaction_handler.sa_handler?(signal)
            }
        }
        var fallback = sigaction()
        sigemptyset(&fallback.sa_mask)
        sigaction(signal, &fallback, nil)
        // Blocked while this handler runs: delivered, with the default action, as it returns.
        pthread_kill(pthread_self(), signal)
    }
}
