/// Memory for the protocol's words: one 4 KiB page per allocation, so that no other thread's
/// data shares a cache line, or a prefetcher's reach, with them.
///
/// Why a page and not two 64-byte lines: two lines keep false sharing and the adjacent-line
/// prefetcher (which fetches a 64-byte line's 128-byte buddy) away, but not the L2 streamer,
/// which follows a run of accesses and prefetches further lines of the same 4 KiB page. The
/// caller's gather reads slot after slot; with the blocks packed 128 bytes apart, its stream
/// can pull in the lines just past them (another slot, a worker's `taken` cell), which the
/// owning thread then has to win back on its next write. The effect is within this 2-vCPU
/// guest's noise (docs/BENCH.md, "Where the time goes": three paired runs favoured pages,
/// later runs spread too widely to tell), but the trade is cheap: a pool at 16 threads holds
/// ~40 such pages, 160 KiB of address space of which only the first lines are ever touched,
/// and pools are long-lived.
///
/// The first 128 bytes are zeroed; the rest of the page is never touched (so never resident).
public enum IsolatedPage {
    /// Bytes per allocation, and its alignment.
    public static var byteCount: Int { 4096 }

    /// A fresh page, its first 128 bytes zeroed. Free it with `deallocate()` on the pointer.
    public static func allocate() -> UnsafeMutableRawPointer {
        let page = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: byteCount)
        page.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
        return page
    }
}
