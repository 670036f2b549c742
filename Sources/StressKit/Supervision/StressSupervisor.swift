import Glibc
import Pool

/// `stress` as two processes: the supervisor (this) starts the driver (this executable,
/// re-executed with the same arguments and the seed), forwards SIGINT and SIGTERM to it,
/// and waits. A driver that ends by itself has written its report, and its exit code is
/// passed on. A driver that dies of a signal cannot: the supervisor then writes the report
/// itself (`SupervisorReport`, verdict `crash`, exit 5) from the state the driver left in
/// their shared mapping (`SharedRunState`): the signal, the thread it struck, every caller's
/// episode, job and phase, every pool thread's last probe point, the replay line, and the
/// statistics the driver last published.
///
/// Why a second process: the crashing thread takes its process with it, and its handler may
/// not do anything that allocates or locks; another process can do all of that afterwards.
///
/// Every wait is bounded. The driver ends within its planned time plus its watchdog's
/// deadlines; if it does not (its watchdog failed too), the supervisor kills it after
/// `overrunSeconds` and reports a stall. After a forwarded interrupt the driver must stop
/// within its watchdog's deadline plus the rescue; if it does not, it is killed and the
/// supervisor reports the interrupted run from the shared statistics.
///
/// The driver is started with SIGINT and SIGTERM blocked (it takes them at its watchdog's
/// poll: `InterruptSignals`), so that no interrupt can kill it before its mask is set. It
/// watches its parent: a supervisor that is gone (killed) stops the driver as SIGTERM does.
package struct StressSupervisor {
    let options: StressOptions
    /// The command line as given, without the program name.
    let arguments: [String]
    let seed: UInt64
    let executable: String

    /// How the wait for the driver ended.
    package enum Ending: Equatable, Sendable {
        /// It exited by itself with this code: its report stands.
        case exited(Int32)
        /// It died of a signal nobody here sent.
        case crashed(signal: Int32)
        /// Interrupted by `signal`, it did not stop in time and was killed.
        case interruptOverran(signal: Int32, seconds: Double)
        /// It ran `seconds` past its planned end and was killed.
        case overran(seconds: Double)
    }

    /// Past the planned end: the watchdog's deadline for the last job, its rescue (2 s),
    /// a shutdown's deadline, and margin for the report.
    var overrunSeconds: Double { 3 * options.watchdogSeconds + 30 }
    /// After an interrupt: the job in progress (bounded by the watchdog), its rescue, margin.
    var windDownSeconds: Double { options.watchdogSeconds + 2 + 10 }

    func run() -> Int32 {
        let shared: (state: SharedRunState, descriptor: Int32)
        do {
            shared = try SharedRunState.createShared(callerThreads: StressDriver.callerThreads)
        } catch {
            ConsoleOutput.error("stress: cannot create the supervisor's state (\(error)); running unsupervised: a crash will not be reported\n")
            return StressDriver.run(options: options, seed: seed)
        }
        defer { close(shared.descriptor) }
        shared.state[.supervisorPID] = UInt64(getpid())
        // Built before the driver starts: building it writes the slots' initial words.
        let context = RunContext(options: options, seed: seed, callerThreads: StressDriver.callerThreads, shared: shared.state)
        var waited = InterruptSignals.set
        sigaddset(&waited, SIGCHLD)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &waited, &previousMask)
        // Already blocked; this makes sure neither is ignored (see `InterruptSignals.block`).
        InterruptSignals.block()
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        let driverArguments = ["stress"] + arguments + (options.seed == nil ? ["--seed", "\(seed)"] : [])
        guard let driver = spawn(driverArguments, statePath: "/proc/self/fd/\(shared.descriptor)") else {
            ConsoleOutput.error("stress: cannot start the driver process \(executable) (errno \(errno)); running unsupervised: a crash will not be reported\n")
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
            return StressDriver.run(options: options, seed: seed)
        }
        var ending = wait(for: driver, signals: waited, state: shared.state)
        // A recorded fatal signal is the verdict, however the driver ended after it.
        if let crash = shared.state.crash, ending != .crashed(signal: crash.signal) {
            ending = .crashed(signal: crash.signal)
        }
        if case .exited(let code) = ending { return code }
        return SupervisorReport(context: context, driver: driver).report(ending)
    }

    /// Waits for the driver, forwarding interrupts and enforcing the deadlines; a driver whose
    /// thread died of a signal (`state`'s crash record) gets `crashGraceSeconds` to end.
    func wait(for driver: pid_t, signals: sigset_t, state: SharedRunState) -> Ending {
        var signals = signals
        let started = MonotonicClock.nanoseconds()
        let overrunDeadline = started &+ UInt64((options.seconds + overrunSeconds) * 1e9)
        var interrupt: (signal: Int32, at: UInt64)?
        var killed: Ending?
        var status: Int32 = 0
        while true {
            let reaped = waitpid(driver, &status, WNOHANG)
            if reaped == driver { break }
            if reaped < 0 && errno != EINTR { return .crashed(signal: 0) }
            // The poll's sleep, woken early by SIGCHLD (the driver ended) or an interrupt.
            var timeout = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            let signal = sigtimedwait(&signals, nil, &timeout)
            if signal == SIGINT || signal == SIGTERM {
                kill(driver, signal)
                if interrupt == nil { interrupt = (signal, MonotonicClock.nanoseconds()) }
            }
            guard killed == nil else { continue }
            let now = MonotonicClock.nanoseconds()
            if let crash = state.crash, now &- crash.time > RunContext.crashGraceNanoseconds + 5_000_000_000 {
                killed = .crashed(signal: crash.signal)
                kill(driver, SIGKILL)
            } else if let interrupt, now &- interrupt.at > UInt64(windDownSeconds * 1e9) {
                killed = .interruptOverran(signal: interrupt.signal, seconds: windDownSeconds)
                kill(driver, SIGKILL)
            } else if now > overrunDeadline {
                killed = .overran(seconds: overrunSeconds)
                kill(driver, SIGKILL)
            }
        }
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        if let killed { return killed }
        let signal = status & 0x7F
        // Interrupts are blocked in the driver: one that killed it came before its start-up
        // finished, or from a tool that unblocked them; still an interrupt, not a crash.
        if signal == SIGINT || signal == SIGTERM { return .interruptOverran(signal: signal, seconds: 0) }
        return .crashed(signal: signal)
    }

    /// `/proc/self/exe` as the file it links to, so that the driver's threads are named after
    /// the program ("stress"), not "exe"; the link itself if it cannot be read.
    static func resolved(_ executable: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(executable, &buffer, buffer.count - 1)
        guard length > 0 else { return executable }
        let path = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.hasSuffix(" (deleted)") || !FileAccess.exists(path) ? executable : path
    }

    /// Starts this executable with `arguments` and the state's path in its environment, with
    /// SIGINT and SIGTERM blocked and default dispositions. Output goes where ours goes.
    func spawn(_ arguments: [String], statePath: String) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var blocked = InterruptSignals.set
        posix_spawnattr_setsigmask(&attributes, &blocked)
        var defaults = InterruptSignals.set
        sigaddset(&defaults, SIGCHLD)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let environment = ChildEnvironment().replacing(SharedRunState.environmentKey, with: statePath)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = environment.withCArray { envp in posix_spawn(&pid, Self.resolved(executable), nil, &attributes, &argv, envp) }
        if result != 0 { errno = result; return nil }
        return pid
    }
}
