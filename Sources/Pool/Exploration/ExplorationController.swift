#if Exploration
import Glibc
import Synchronization

/// What an exploration build's pool asks of the controller that schedules its threads.
///
/// Compiled only with `--traits Exploration` (see docs/EXPLORATION.md): a production build has
/// neither this protocol nor a single call to it. The pool calls these hooks from its own
/// code paths, at each scheduling point:
///
/// - before and after every atomic operation on a pool word (`PaddedAtomic`);
/// - instead of the futex syscalls (`ParkingWord`), so that a wait blocks inside the
///   controller, with the kernel's compare-then-sleep atomicity, and a wake makes waiters
///   runnable;
/// - at every spin check (`BoundedSpinWait`, `UnboundedSpinWait`): its start, so that the
///   controller knows the words it reads, and its failure, so that a spinning thread yields
///   to the controller instead of burning steps;
/// - when a worker thread is created, starts, exits and is joined (`WorkerThreads`);
/// - at the probe points of a probe that asks for it (`probePoint`: the stress driver's);
/// - at every access to plain memory that the protocol hands between threads (`PaddedCell`):
///   not a scheduling point, a happens-before race check (`plainAccess`).
///
/// Contract: the hooks reach a controller only on the threads it controls: those bound to it
/// (`Exploration.bind`), or, for the process-wide `Exploration.controller`, those for which
/// `isControlled` is true; on any other thread the pool performs the real operation. On a
/// controlled thread a hook may block the caller until the controller runs it again. Exactly
/// one controlled thread runs between two hooks.
@usableFromInline package protocol ExplorationController: AnyObject, Sendable {
    /// Whether the calling thread is one the controller schedules.
    var isControlled: Bool { get }

    /// A scheduling point: the calling thread is about to perform `operation` on `word`.
    func willAccess(_ word: ExplorationWord, _ operation: AtomicOperationKind)

    /// The operation just performed: what it read and wrote (widened to 64 bits).
    func didAccess(_ access: AtomicAccessRecord)

    /// A load just performed (`access.read` is the value in memory, the latest store):
    /// returns the value the load reads. A controller with a weak memory model may return an
    /// older store's value; the default records the access and returns the latest.
    func didLoad(_ access: AtomicAccessRecord) -> UInt64

    /// `futex_wait(word, expected)`: block unless `currentValue()` differs from `expected`.
    func futexWait(_ word: ExplorationWord, expected: UInt32, currentValue: () -> UInt32) -> FutexWaitOutcome

    /// `futex_wake(word, count)`: make up to `count` waiters on `word` runnable; returns how many.
    func futexWake(_ word: ExplorationWord, count: Int32) -> Int32

    /// A pool word was just created at `word` (its memory may have held an earlier word): a
    /// memory model forgets what it knew of the address. Not a scheduling point.
    func wordCreated(_ word: ExplorationWord)

    /// A plain (non-atomic) access to the cell at `address` (`PaddedCell`): not a scheduling
    /// point; a controller with a happens-before model checks it for a data race.
    func plainAccess(_ address: UInt, writes: Bool)

    /// A synchronization the controller does not schedule (a pthread mutex's unlock, the
    /// stress driver's own hand-over through its ledger): everything the calling thread did so
    /// far happens before a later `happensAfter` of the same `token`, as a release does before
    /// the acquire that reads it. Not a scheduling point; a happens-before model needs it so
    /// that plain memory such a synchronization orders is judged with that ordering.
    func happensBefore(_ token: UInt)

    /// The acquiring side of `happensBefore` (a mutex's lock, the driver's wait): the calling
    /// thread has seen what `token`'s releases published.
    func happensAfter(_ token: UInt)

    /// A spin check is about to evaluate its condition: the words it loads from here to
    /// `spinCheckFailed` are the ones whose change can make it true. Not a scheduling point.
    func spinCheckWillBegin()

    /// A spin check found the condition false. Returns whether to check again (the
    /// controller runs the thread again once another thread wrote a word it read, or when it
    /// demotes the spin); `false` tells a bounded wait to give up and park.
    func spinCheckFailed(bounded: Bool) -> Bool

    /// A probe point of the harness's probe (`thread` is the pool index that passes it): a
    /// scheduling point before the probe's own body runs. The pool's own code never calls it;
    /// the probes that want their points scheduled do (the stress driver's does).
    func probePoint(_ point: ProbePoint, thread: Int, value: UInt64)

    /// On the creating thread, before it creates pool worker `thread`.
    func workerWillSpawn(thread: Int)
    /// On the creating thread, once worker `thread` exists: the controller may run it up to
    /// its first scheduling point before the creator goes on.
    func workerDidSpawn(thread: Int)
    /// On the new worker itself, first thing: blocks until the controller runs it.
    func workerDidStart(thread: Int)
    /// On the worker itself, after its last pool operation.
    func workerWillExit(thread: Int)
    /// On the joining thread: blocks until worker `thread` has exited (modelled), so that the
    /// real join that follows never blocks in the kernel.
    func willJoin(worker thread: Int)
}

extension ExplorationController {
    /// Default: sequential consistency, every load reads the latest store.
    @usableFromInline package func didLoad(_ access: AtomicAccessRecord) -> UInt64 {
        didAccess(access)
        return access.read ?? 0
    }
    /// Default: no memory model to tell.
    @usableFromInline package func wordCreated(_ word: ExplorationWord) {}
    /// Default: no race check.
    @usableFromInline package func plainAccess(_ address: UInt, writes: Bool) {}
    /// Default: no happens-before model.
    @usableFromInline package func happensBefore(_ token: UInt) {}
    /// Default: no happens-before model.
    @usableFromInline package func happensAfter(_ token: UInt) {}
    /// Default: a controller that does not model spins needs no read set.
    @usableFromInline package func spinCheckWillBegin() {}
    /// Default: the new worker starts whenever the kernel runs it.
    @usableFromInline package func workerDidSpawn(thread: Int) {}
    /// Default: probe points are not scheduling points.
    @usableFromInline package func probePoint(_ point: ProbePoint, thread: Int, value: UInt64) {}
}

/// A pool word as exploration sees it: its address and its label.
@usableFromInline package struct ExplorationWord: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline package var address: UInt

    @usableFromInline package init(address: UnsafeMutableRawPointer) {
        self.address = UInt(bitPattern: address)
    }

    /// The label given at the word's creation ("task", "lock", ...). Read on demand: a
    /// schedule touches few words, and records them by address.
    @usableFromInline package var label: String { ExplorationWordLabel.load(from: UnsafeMutableRawPointer(bitPattern: address)!) }

    @usableFromInline package var description: String { label }
}

/// One atomic operation, after the fact.
@usableFromInline package struct AtomicAccessRecord: Sendable, Hashable {
    @usableFromInline package var word: ExplorationWord
    @usableFromInline package var operation: AtomicOperationKind
    @usableFromInline package var orderingKind: AtomicOrderingKind
    /// The value read (the old value, for a read-modify-write); nil for a store.
    @usableFromInline package var read: UInt64?
    /// The value written; nil for a load and a failed compare-exchange.
    @usableFromInline package var written: UInt64?
    /// For a store: the value the word held before it (a memory model that first meets a
    /// word at a store needs the word's older value, which a stale load may still read).
    @usableFromInline package var previous: UInt64?

    /// `relaxed`, `acquiring`, `releasing`, `acquiringAndReleasing`, `sequentiallyConsistent`.
    @usableFromInline package var ordering: String { orderingKind.rawValue }
}

/// How a modelled futex wait ended.
@usableFromInline package enum FutexWaitOutcome: Sendable, Hashable {
    /// The word already differed from the expected value (the kernel's EAGAIN).
    case valueDiffered
    /// A wake, or a spurious wake-up the controller chose.
    case woken
}

/// A thread's tie to the controller that schedules it (`Exploration.bind`), with the
/// controller's own number for the thread. Kept alive by the controller while bound.
@usableFromInline package final class ExplorationBinding: Sendable {
    @usableFromInline package let controller: any ExplorationController
    @usableFromInline package let thread: Int

    @usableFromInline package init(controller: any ExplorationController, thread: Int) {
        self.controller = controller
        self.thread = thread
    }
}

/// Where the hooks find their controller: the calling thread's own binding (`bind`), which a
/// scheduling controller gives each thread it runs, or else the process-wide `controller`
/// if that one says it controls the calling thread (a recorder on one thread). Thread-local
/// bindings keep two explorations in one process (parallel test suites) apart.
@usableFromInline package enum Exploration {
    /// A process-wide controller, for one that watches threads it did not bind (a recorder).
    /// Written only while no thread it controls runs.
    nonisolated(unsafe) package static var controller: (any ExplorationController)?

    /// The key of the calling thread's binding.
    static let bindingKey: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key, nil)
        precondition(created == 0, "Exploration: pthread_key_create failed (errno \(created))")
        return key
    }()

    /// Ties the calling thread to `binding`'s controller (nil: unties it). The caller keeps
    /// the binding alive for as long as it is bound.
    @usableFromInline package static func bind(_ binding: ExplorationBinding?) {
        _ = pthread_setspecific(bindingKey, binding.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) })
    }

    /// The calling thread's binding, if any.
    @usableFromInline package static var binding: ExplorationBinding? {
        guard let raw = pthread_getspecific(bindingKey) else { return nil }
        return Unmanaged<ExplorationBinding>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The controller of the calling thread, if one controls it.
    @usableFromInline package static var activeController: (any ExplorationController)? {
        if let binding { return binding.controller }
        guard let controller, controller.isControlled else { return nil }
        return controller
    }

    @usableFromInline
    static func willAccess(_ address: UnsafeMutableRawPointer, _ operation: AtomicOperationKind) {
        activeController?.willAccess(ExplorationWord(address: address), operation)
    }

    /// `willAccess` for a store, and the value the word holds before it.
    @usableFromInline
    static func willStore<Value: AtomicRepresentable>(_ address: UnsafeMutableRawPointer, _ type: Value.Type) -> UInt64? {
        guard let controller = activeController else { return nil }
        let word = ExplorationWord(address: address)
        controller.willAccess(word, .store)
        // Plain byte reads: no other controlled thread runs between two hooks.
        var bits: UInt64 = 0
        for index in 0..<min(MemoryLayout<Value>.size, 8) {
            bits |= UInt64(address.load(fromByteOffset: index, as: UInt8.self)) << (8 * index)
        }
        return bits
    }

    @usableFromInline
    static func didAccess<Value: AtomicRepresentable>(
        _ address: UnsafeMutableRawPointer, _ operation: AtomicOperationKind, ordering: AtomicOrderingKind,
        read: Value?, written: Value?, previous: UInt64? = nil
    ) {
        guard let controller = activeController else { return }
        var readBits: UInt64?
        if let read { readBits = widened(read) }
        var writtenBits: UInt64?
        if let written { writtenBits = widened(written) }
        controller.didAccess(AtomicAccessRecord(
            word: ExplorationWord(address: address), operation: operation, orderingKind: ordering,
            read: readBits, written: writtenBits, previous: previous))
    }

    /// A load's record; returns the value the controller says it read (`value`, the latest
    /// store, unless its memory model chose an older one).
    @usableFromInline
    static func didLoad<Value: AtomicRepresentable>(
        _ address: UnsafeMutableRawPointer, _ operation: AtomicOperationKind, ordering: AtomicOrderingKind, _ value: Value
    ) -> Value {
        guard let controller = activeController else { return value }
        let bits = widened(value)
        let read = controller.didLoad(AtomicAccessRecord(
            word: ExplorationWord(address: address), operation: operation, orderingKind: ordering, read: bits, written: nil))
        return read == bits ? value : narrowed(read, like: value)
    }

    /// A plain access to a cell (see `ExplorationController.plainAccess`).
    @usableFromInline
    static func plainAccess<Value>(_ pointer: UnsafeMutablePointer<Value>, writes: Bool) {
        activeController?.plainAccess(UInt(bitPattern: pointer), writes: writes)
    }

    /// A harness probe's point, on the thread that passes it (see
    /// `ExplorationController.probePoint`).
    @usableFromInline package static func probePoint(_ point: ProbePoint, thread: Int, value: UInt64) {
        activeController?.probePoint(point, thread: thread, value: value)
    }

    /// `value` with its bytes replaced by the low bytes of `bits` (the inverse of `widened`).
    static func narrowed<Value: AtomicRepresentable>(_ bits: UInt64, like value: Value) -> Value {
        var result = value
        withUnsafeMutableBytes(of: &result) { bytes in
            for index in 0..<min(bytes.count, 8) { bytes[index] = UInt8(truncatingIfNeeded: bits >> (8 * index)) }
        }
        return result
    }

    /// The value's bits, zero-extended to 64 (every pool word is 1 to 8 bytes).
    static func widened<Value: AtomicRepresentable>(_ value: Value) -> UInt64 {
        withUnsafeBytes(of: value) { bytes in
            var bits: UInt64 = 0
            for (index, byte) in bytes.prefix(8).enumerated() { bits |= UInt64(byte) << (8 * index) }
            return bits
        }
    }
}

/// A word's label, kept in the unused second cache line of its `PaddedAtomic` allocation, so
/// that a production build carries no label at all.
@usableFromInline package enum ExplorationWordLabel {
    static let offset = 64

    static func store(_ label: StaticString, in word: UnsafeMutableRawPointer) {
        Exploration.activeController?.wordCreated(ExplorationWord(address: word))
        (word + offset).storeBytes(of: UInt(bitPattern: label.utf8Start), as: UInt.self)
        (word + offset + MemoryLayout<UInt>.size).storeBytes(of: label.utf8CodeUnitCount, as: Int.self)
    }

    @usableFromInline package static func load(from word: UnsafeMutableRawPointer) -> String {
        let start = (word + offset).load(as: UInt.self)
        let count = (word + offset + MemoryLayout<UInt>.size).load(as: Int.self)
        guard let bytes = UnsafePointer<UInt8>(bitPattern: start), count > 0 else { return "word" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
#endif
