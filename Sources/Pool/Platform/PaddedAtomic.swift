import Synchronization

/// One atomic word alone on its own page (`IsolatedPage`), at an address that never moves.
///
/// Why not a `let` Atomic inside a class: the futex calls need the word's address, and
/// `Atomic` has no package address API; and words written by different threads (the task
/// word, the reducer's lock) must not share a line, or every write by one thread would
/// evict the others' copies (false sharing); a page of its own also keeps the prefetchers
/// from pulling the word in with a neighbour (`IsolatedPage`).
///
/// Every operation of the pool's protocol goes through the methods below, never through
/// `pointer` directly: in an exploration build (`--traits Exploration`) each of them is a
/// scheduling point where a controller decides which thread runs next, and a record of what
/// the operation read and wrote (docs/EXPLORATION.md). In every other build they are
/// `@_transparent` forwards to the atomic, and compile to the bare instruction.
///
/// Words that one thread writes in one step and others read right after may instead share a
/// line on purpose: `init(_:label:in:slot:)` builds the word in a `SharedCacheLine`.
///
/// Ownership: a plain copyable handle. The building block that allocates it calls
/// `deallocate()` exactly once, from its own `deinit` (for a word built in a
/// `SharedCacheLine`: the line's `deallocate()`, never the word's).
@frozen
@usableFromInline package struct PaddedAtomic<Value: AtomicRepresentable>: @unchecked Sendable {

    /// The atomic itself. Code of the protocol uses the methods below instead, so that an
    /// exploration build sees the operation; harness code that only observes may use it.
    @usableFromInline package let pointer: UnsafeMutablePointer<Atomic<Value>>

    /// `label` names the word in exploration traces ("task", "lock", ...). Only exploration
    /// builds keep it (in the word's own padding, see `ExplorationWordLabel`).
    @usableFromInline package init(_ initialValue: Value, label: StaticString = "word", file: StaticString = #fileID, line: UInt = #line) {
        let raw = IsolatedPage.allocate(file: file, line: line)
        pointer = raw.bindMemory(to: Atomic<Value>.self, capacity: 1)
        pointer.initialize(to: Atomic(initialValue))
        #if Exploration
        ExplorationWordLabel.store(label, in: raw)
        #endif
    }

    /// The word's address, for futex calls. Only meaningful for 32-bit values.
    @inlinable
    package var address: UnsafeMutableRawPointer { UnsafeMutableRawPointer(pointer) }

    @usableFromInline package func deallocate() {
        pointer.deinitialize(count: 1)
        IsolatedPage.deallocate(UnsafeMutableRawPointer(pointer))
    }
}

// The operations, for the value types the pool's words use. `Atomic` offers its operations
// per concrete type (or storage width), not for a generic `Value`, hence one extension per
// type; each operation is one `WordAccess` call, which is where exploration hooks in.

extension PaddedAtomic where Value == Bool {
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func load(ordering: AtomicLoadOrdering) -> Bool {
        WordAccess.read(address, .load, ordering: ordering) { pointer.pointee.load(ordering: ordering) }
    }

    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func store(_ desired: Bool, ordering: AtomicStoreOrdering) {
        WordAccess.write(address, desired, ordering: ordering) { pointer.pointee.store(desired, ordering: ordering) }
    }

    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func exchange(_ desired: Bool, ordering: AtomicUpdateOrdering) -> Bool {
        WordAccess.update(address, .exchange, ordering: ordering, newValue: { _ in desired }) {
            pointer.pointee.exchange(desired, ordering: ordering)
        }
    }
}

extension PaddedAtomic where Value == UInt64 {
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func load(ordering: AtomicLoadOrdering) -> UInt64 {
        WordAccess.read(address, .load, ordering: ordering) { pointer.pointee.load(ordering: ordering) }
    }

    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func store(_ desired: UInt64, ordering: AtomicStoreOrdering) {
        WordAccess.write(address, desired, ordering: ordering) { pointer.pointee.store(desired, ordering: ordering) }
    }
}

extension PaddedAtomic where Value == UInt32 {
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func load(ordering: AtomicLoadOrdering) -> UInt32 {
        WordAccess.read(address, .load, ordering: ordering) { pointer.pointee.load(ordering: ordering) }
    }

    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func store(_ desired: UInt32, ordering: AtomicStoreOrdering) {
        WordAccess.write(address, desired, ordering: ordering) { pointer.pointee.store(desired, ordering: ordering) }
    }

    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func compareExchange(
        expected: UInt32, desired: UInt32,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt32) {
        WordAccess.compareExchange(address, desired, ordering: successOrdering) {
            pointer.pointee.compareExchange(expected: expected, desired: desired,
                                            successOrdering: successOrdering, failureOrdering: failureOrdering)
        }
    }

    /// Adds with wrap-around; returns the value before.
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func wrappingAdd(_ operand: UInt32, ordering: AtomicUpdateOrdering) -> UInt32 {
        WordAccess.update(address, .add, ordering: ordering, newValue: { $0 &+ operand }) {
            pointer.pointee.wrappingAdd(operand, ordering: ordering).oldValue
        }
    }

    /// Subtracts with wrap-around; returns the value before.
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func wrappingSubtract(_ operand: UInt32, ordering: AtomicUpdateOrdering) -> UInt32 {
        WordAccess.update(address, .subtract, ordering: ordering, newValue: { $0 &- operand }) {
            pointer.pointee.wrappingSubtract(operand, ordering: ordering).oldValue
        }
    }

    /// Sets the bits of `operand`; returns the value before.
    @_transparent @_semantics("atomics.requires_constant_orderings")
    @usableFromInline package func bitwiseOr(_ operand: UInt32, ordering: AtomicUpdateOrdering) -> UInt32 {
        WordAccess.update(address, .bitwiseOr, ordering: ordering, newValue: { $0 | operand }) {
            pointer.pointee.bitwiseOr(operand, ordering: ordering).oldValue
        }
    }
}

/// A plain, non-atomic value alone on its own cache lines.
///
/// Used for data that a protocol publishes through an atomic (the reducer's sum): keeping it
/// non-atomic means ThreadSanitizer reports any access that the protocol fails to order.
/// Its accessor exists only for concrete `UInt64`: an unspecialised generic access (debug
/// builds) copies the value inside the uninstrumented standard library, and ThreadSanitizer
/// would not see it. Exploration does not schedule plain accesses: the atomics that order
/// them are the scheduling points; an exploration build reports each access to its race
/// check (`ExplorationController.plainAccess`).
@frozen
@usableFromInline package struct PaddedCell<Value: BitwiseCopyable>: @unchecked Sendable {
    @usableFromInline
    let pointer: UnsafeMutablePointer<Value>

    @usableFromInline package init(_ initialValue: Value, file: StaticString = #fileID, line: UInt = #line) {
        let raw = IsolatedPage.allocate(file: file, line: line)
        pointer = raw.bindMemory(to: Value.self, capacity: 1)
        pointer.initialize(to: initialValue)
    }

    @usableFromInline package func deallocate() {
        IsolatedPage.deallocate(UnsafeMutableRawPointer(pointer))
    }
}

extension PaddedCell where Value == UInt64 {
    /// A concrete load or store of the word, which ThreadSanitizer instruments in every build.
    @inlinable
    package var value: UInt64 {
        get {
            #if Exploration
            Exploration.plainAccess(pointer, writes: false)
            #endif
            return pointer.pointee
        }
        nonmutating set {
            #if Exploration
            Exploration.plainAccess(pointer, writes: true)
            #endif
            pointer.pointee = newValue
        }
    }
}
