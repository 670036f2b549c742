import Pool
import Testing

extension PropertyTests {
    @Suite("Isolated pages")
    struct IsolatedPageTests {
        /// Each block is alone on its page, and successive blocks move through the page so that
        /// a pool's words do not all compete for one L1 set (`IsolatedPage`: why). Other tests
        /// may allocate between these allocations, which only moves the colour on further; a
        /// layout that put every block at the same offset shows one colour here.
        @Test("Blocks are 128-byte aligned, one per page, zeroed, and spread over the page's colours")
        func blocksSpreadOverColours() {
            let blocks = (0..<64).map { _ in IsolatedPage.allocate() }
            defer { for block in blocks { IsolatedPage.deallocate(block) } }
            let pageMask = IsolatedPage.byteCount - 1
            let offsets = blocks.map { Int(bitPattern: $0) & pageMask }
            let pages = Set(blocks.map { Int(bitPattern: $0) & ~pageMask })
            #expect(pages.count == blocks.count, "two blocks share a page")
            #expect(offsets.allSatisfy { $0 % IsolatedPage.blockByteCount == 0 && $0 + IsolatedPage.blockByteCount <= IsolatedPage.byteCount })
            #expect(blocks.allSatisfy { block in (0..<IsolatedPage.blockByteCount).allSatisfy { block.load(fromByteOffset: $0, as: UInt8.self) == 0 } })
            let colours = Set(offsets.map { $0 / IsolatedPage.blockByteCount })
            #expect(colours.count >= 16, "64 blocks took only \(colours.count) colours: \(offsets)")
        }
    }
}
