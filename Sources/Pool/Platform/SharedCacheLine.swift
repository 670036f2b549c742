import Synchronization

/// A block (an `IsolatedPage`) whose first 64-byte line holds up to four words that a
/// protocol wants to move between threads together: one cache-line transfer carries all of
/// them.
///
/// Why: `PaddedAtomic` gives each word its own lines so that words written by different
/// threads never share one (false sharing). Words that the same thread writes in the same
/// step, and that the same readers read right after, are the opposite case: padded apart, a
/// reader pays one transfer per word; together, one for all (`SequenceScheduler` keeps its
/// job sequence, the target and the sleeper count here; each `SlotReducer` slot keeps its
/// sequence and its contribution). The count per design is in docs/PROTOCOL.md, "Cache lines
/// per job".
///
/// Layout: slot `s` (0 ..< 4) is the 16 bytes at offset `16 s` of the first line, enough for
/// any word of up to 8 bytes. The second line holds nothing the protocol touches (in an
/// exploration build it holds the slots' labels, at `64 + 16 s`, see `ExplorationWordLabel`)
/// and, with the rest of the page, keeps the prefetchers from pulling the block in with a
/// neighbour (`IsolatedPage`).
///
/// Ownership: the block owns its memory. Words built in it (`PaddedAtomic(_:label:in:slot:)`,
/// `PaddedCell(_:in:slot:)`) are views: the building block that allocated the block calls
/// the block's `deallocate()` exactly once, and never a word's.
@frozen
@usableFromInline package struct SharedCacheLine: @unchecked Sendable {
    /// Words per block.
    @usableFromInline package static var slotCount: Int { 4 }
    /// Bytes per slot: room for an 8-byte word, and for its 16-byte exploration label in the
    /// second line.
    @usableFromInline package static var slotStride: Int { 16 }

    @usableFromInline
    let base: UnsafeMutableRawPointer

    @usableFromInline package init(file: StaticString = #fileID, line: UInt = #line) {
        base = IsolatedPage.allocate(file: file, line: line)
    }

    /// The address of slot `slot`, for a word of `size` bytes aligned to `alignment`.
    func address(ofSlot slot: Int, size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        precondition(slot >= 0 && slot < Self.slotCount, "SharedCacheLine: slot \(slot) is not in 0 ..< \(Self.slotCount)")
        precondition(size <= 8 && alignment <= 8, "SharedCacheLine: a slot holds at most 8 bytes aligned to 8, not \(size) aligned to \(alignment)")
        return base + slot * Self.slotStride
    }

    @usableFromInline package func deallocate() {
        IsolatedPage.deallocate(base)
    }
}

extension PaddedAtomic {
    /// An atomic word in slot `slot` of `line`, sharing the line with the block's other words
    /// on purpose. The block owns the memory: never call `deallocate()` on this word.
    @usableFromInline package init(_ initialValue: Value, label: StaticString, in line: SharedCacheLine, slot: Int) {
        let raw = line.address(ofSlot: slot, size: MemoryLayout<Atomic<Value>>.size, alignment: MemoryLayout<Atomic<Value>>.alignment)
        pointer = raw.bindMemory(to: Atomic<Value>.self, capacity: 1)
        pointer.initialize(to: Atomic(initialValue))
        #if Exploration
        ExplorationWordLabel.store(label, in: raw)
        #endif
    }
}

extension PaddedCell {
    /// A plain value in slot `slot` of `line`. The block owns the memory: never call
    /// `deallocate()` on this cell.
    @usableFromInline package init(_ initialValue: Value, in line: SharedCacheLine, slot: Int) {
        let raw = line.address(ofSlot: slot, size: MemoryLayout<Value>.size, alignment: MemoryLayout<Value>.alignment)
        pointer = raw.bindMemory(to: Value.self, capacity: 1)
        pointer.initialize(to: initialValue)
    }
}
