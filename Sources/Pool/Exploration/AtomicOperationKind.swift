import Synchronization

/// The kinds of atomic operation the pool performs on its words.
@usableFromInline package enum AtomicOperationKind: String, Sendable, Hashable, CaseIterable {
    case load, store, exchange, compareExchange = "compare-exchange", add, subtract, bitwiseOr = "or"

    /// Whether the operation may change the word (a failed compare-exchange does not, but
    /// counts as a write attempt for a spinning reader; it re-reads nothing new).
    @usableFromInline package var writes: Bool { self != .load }
}

/// The memory ordering of one atomic operation, as exploration records it.
///
/// An enum rather than the ordering's text: an exploration build records every operation,
/// and a string built per operation would cost an allocation each (the controller's speed is
/// schedules per second). `rawValue` is the text `Synchronization` prints for the ordering.
@usableFromInline package enum AtomicOrderingKind: String, Sendable, Hashable, CaseIterable {
    case relaxed, acquiring, releasing, acquiringAndReleasing, sequentiallyConsistent

    @inlinable
    package init(_ ordering: AtomicLoadOrdering) {
        if ordering == .relaxed { self = .relaxed } else if ordering == .acquiring { self = .acquiring } else { self = .sequentiallyConsistent }
    }

    @inlinable
    package init(_ ordering: AtomicStoreOrdering) {
        if ordering == .relaxed { self = .relaxed } else if ordering == .releasing { self = .releasing } else { self = .sequentiallyConsistent }
    }

    @inlinable
    package init(_ ordering: AtomicUpdateOrdering) {
        if ordering == .relaxed {
            self = .relaxed
        } else if ordering == .acquiring {
            self = .acquiring
        } else if ordering == .releasing {
            self = .releasing
        } else if ordering == .acquiringAndReleasing {
            self = .acquiringAndReleasing
        } else {
            self = .sequentiallyConsistent
        }
    }
}
