import Synchronization

/// One atomic word alone on its own pair of cache lines, at an address that never moves.
///
/// Why not a `let` Atomic inside a class: the futex calls need the word's address, and
/// `Atomic` has no public address API; and words written by different threads (the task
/// word, the reducer's lock) must not share a line, or every write by one thread would
/// evict the others' copies (false sharing). 128 bytes covers the adjacent-line prefetcher.
///
/// Ownership: a plain copyable handle. The building block that allocates it calls
/// `deallocate()` exactly once, from its own `deinit`.
@frozen
public struct PaddedAtomic<Value: AtomicRepresentable>: @unchecked Sendable {
    /// Bytes reserved per word: two 64-byte lines.
    public static var footprint: Int { 128 }

    /// The atomic lives at `pointer.pointee`; use it as `word.pointer.pointee.load(...)`.
    /// (An `Atomic` cannot be returned from a computed property: it must be a `let`.)
    public let pointer: UnsafeMutablePointer<Atomic<Value>>

    public init(_ initialValue: Value) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Self.footprint, alignment: Self.footprint)
        pointer = raw.bindMemory(to: Atomic<Value>.self, capacity: 1)
        pointer.initialize(to: Atomic(initialValue))
    }

    /// The word's address, for futex calls. Only meaningful for 32-bit values.
    @inlinable
    public var address: UnsafeMutableRawPointer { UnsafeMutableRawPointer(pointer) }

    public func deallocate() {
        pointer.deinitialize(count: 1)
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}

/// A plain, non-atomic value alone on its own cache lines.
///
/// Used for data that a protocol publishes through an atomic (the reducer's sum): keeping it
/// non-atomic means ThreadSanitizer reports any access that the protocol fails to order.
/// Its accessor exists only for concrete `UInt64`: an unspecialised generic access (debug
/// builds) copies the value inside the uninstrumented standard library, and ThreadSanitizer
/// would not see it.
@frozen
public struct PaddedCell<Value: BitwiseCopyable>: @unchecked Sendable {
    @usableFromInline
    let pointer: UnsafeMutablePointer<Value>

    public init(_ initialValue: Value) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        pointer = raw.bindMemory(to: Value.self, capacity: 1)
        pointer.initialize(to: initialValue)
    }

    public func deallocate() {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}

extension PaddedCell where Value == UInt64 {
    /// A concrete load or store of the word, which ThreadSanitizer instruments in every build.
    @inlinable
    public var value: UInt64 {
        get { pointer.pointee }
        nonmutating set { pointer.pointee = newValue }
    }
}
