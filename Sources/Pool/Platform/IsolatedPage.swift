import Synchronization

/// Memory for the protocol's words: a 128-byte block alone on a 4 KiB page, so that no other
/// thread's data shares a cache line, or a prefetcher's reach, with them.
///
/// Why a page and not two 64-byte lines: two lines keep false sharing and the adjacent-line
/// prefetcher (which fetches a 64-byte line's 128-byte buddy) away, but not the L2 streamer,
/// which follows a run of accesses and prefetches further lines of the same 4 KiB page. The
/// caller's gather reads slot after slot; with the blocks packed 128 bytes apart, its stream
/// can pull in the lines just past them (another slot, a worker's `taken` cell), which the
/// owning thread then has to win back on its next write. The effect is within this 2-vCPU
/// guest's noise (docs/BENCH.md, "Where the time goes": three paired runs favoured pages,
/// later runs spread too widely to tell), but the trade is cheap: a pool at 16 threads holds
/// about 50 such pages, 200 KiB of address space of which only one block each is ever
/// touched, and pools are long-lived.
///
/// Why the block moves within its page (its *colour*, 32 of them, 128 bytes apart): an L1
/// data cache is indexed by the address bits inside a page (64 sets of 64-byte lines on the
/// x86 cores this targets), so blocks that all sat at offset 0 would all compete for one set.
/// A caller gathering 15 slots while keeping its own words hot would then evict from a
/// 12-way set what it needs next. Successive allocations take successive colours, which
/// spreads a pool's words over 32 sets.
///
/// The block's 128 bytes are zeroed; the rest of the page is never touched (so never
/// resident). Free a block with `deallocate(_:)`, never with the pointer's own `deallocate()`:
/// the allocation starts at the page, not at the block.
@usableFromInline package enum IsolatedPage {
    /// Bytes per page, and its alignment.
    @usableFromInline package static var byteCount: Int { 4096 }
    /// Bytes per block, and the step between colours.
    @usableFromInline package static var blockByteCount: Int { 128 }

    /// The colour the next block takes (modulo the colours per page).
    private static let nextColour = Atomic<Int>(0)

    /// A fresh block on a page of its own, zeroed. `file` and `line`: the allocation site the
    /// page ledger names (`PageLedger`) if the page leaks.
    @usableFromInline package static func allocate(file: StaticString = #fileID, line: UInt = #line) -> UnsafeMutableRawPointer {
        let page = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: byteCount)
        // relaxed: pairs with nothing; only spreads blocks over the colours, and any value
        // gives a block inside its page.
        let colour = nextColour.wrappingAdd(1, ordering: .relaxed).oldValue & (byteCount / blockByteCount - 1)
        let block = page + colour * blockByteCount
        block.initializeMemory(as: UInt8.self, repeating: 0, count: blockByteCount)
        PageLedger.allocated(block, site: file, line: line)
        return block
    }

    /// Frees the page of a block that `allocate()` returned.
    @usableFromInline package static func deallocate(_ block: UnsafeMutableRawPointer) {
        let offset = Int(bitPattern: block) & (byteCount - 1)
        precondition(offset % blockByteCount == 0, "IsolatedPage.deallocate: \(block) is not a block that IsolatedPage.allocate() returned")
        PageLedger.freed(block)
        (block - offset).deallocate()
    }
}
