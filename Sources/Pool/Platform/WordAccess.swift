import Synchronization

/// One atomic operation on a pool word, as `PaddedAtomic` performs it.
///
/// In every build but an exploration build, each function here is `body()` and nothing
/// else: `@_transparent`, so the operation compiles to its bare instruction. In an
/// exploration build (`--traits Exploration`), it is also a scheduling point before the
/// operation and a record of what the operation read and wrote after it
/// (`ExplorationController`); a load returns what the controller's memory model says it
/// read, which may be an older store than the one in memory. Written once, generically, so that every typed operation of
/// `PaddedAtomic` is a one-line call.
@usableFromInline package enum WordAccess {
    /// A load: `body` returns the value read.
    @_transparent
    @usableFromInline package static func read<Value: AtomicRepresentable>(
        _ word: UnsafeMutableRawPointer, _ operation: AtomicOperationKind,
        ordering: AtomicLoadOrdering, _ body: () -> Value
    ) -> Value {
        #if Exploration
        Exploration.willAccess(word, operation)
        // The controller's memory model may answer an older store than the latest.
        return Exploration.didLoad(word, operation, ordering: AtomicOrderingKind(ordering), body())
        #else
        return body()
        #endif
    }

    /// A store of `desired`.
    @_transparent
    @usableFromInline package static func write<Value: AtomicRepresentable>(
        _ word: UnsafeMutableRawPointer, _ desired: Value,
        ordering: AtomicStoreOrdering, _ body: () -> Void
    ) {
        #if Exploration
        let previous = Exploration.willStore(word, Value.self)
        body()
        Exploration.didAccess(word, .store, ordering: AtomicOrderingKind(ordering), read: nil, written: desired,
                              previous: previous)
        #else
        body()
        #endif
    }

    /// A read-modify-write: `body` returns the value before, `newValue` computes what the
    /// operation wrote from it.
    @_transparent
    @usableFromInline package static func update<Value: AtomicRepresentable>(
        _ word: UnsafeMutableRawPointer, _ operation: AtomicOperationKind, ordering: AtomicUpdateOrdering,
        newValue: (Value) -> Value, _ body: () -> Value
    ) -> Value {
        #if Exploration
        Exploration.willAccess(word, operation)
        let old = body()
        Exploration.didAccess(word, operation, ordering: AtomicOrderingKind(ordering), read: old, written: newValue(old))
        return old
        #else
        return body()
        #endif
    }

    /// A compare-exchange: it writes `desired` only when it exchanged.
    @_transparent
    @usableFromInline package static func compareExchange<Value: AtomicRepresentable>(
        _ word: UnsafeMutableRawPointer, _ desired: Value, ordering: AtomicUpdateOrdering,
        _ body: () -> (exchanged: Bool, original: Value)
    ) -> (exchanged: Bool, original: Value) {
        #if Exploration
        Exploration.willAccess(word, .compareExchange)
        let result = body()
        Exploration.didAccess(word, .compareExchange, ordering: AtomicOrderingKind(ordering),
                              read: result.original, written: result.exchanged ? desired : nil)
        return result
        #else
        return body()
        #endif
    }
}
