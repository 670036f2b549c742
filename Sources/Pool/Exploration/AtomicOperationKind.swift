/// The kinds of atomic operation the pool performs on its words.
public enum AtomicOperationKind: String, Sendable, Hashable, CaseIterable {
    case load, store, exchange, compareExchange = "compare-exchange", add, subtract, bitwiseOr = "or"

    /// Whether the operation may change the word (a failed compare-exchange does not, but
    /// counts as a write attempt for a spinning reader; it re-reads nothing new).
    public var writes: Bool { self != .load }
}
