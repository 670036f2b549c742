import Canaries
import Glibc
import Pool
import StressKit
import Testing

/// Exact resource accounting: the page ledger sees every page a pool allocates come back
/// when it is destroyed, and a pool that leaks one page (`leaked-cell`) is a `resource leak`
/// within seconds, naming where the page was allocated.
@Suite("Page ledger", .serialized)
struct PageLedgerTests {
    @Test("A destroyed pool gives back every page it allocated", arguments: [1, 2, 3])
    func poolReturnsItsPages(threadCount: Int) throws {
        PageLedger.start()
        let mark = PageLedger.mark
        do {
            var pool = try CountingPool(configuration: PoolConfiguration(threadCount: threadCount))
            #expect(!PageLedger.livePages(allocatedByThisThreadSince: mark).isEmpty, "the ledger saw the pool's pages")
            #expect(try pool.run(target: 100) == 100)
            try pool.shutdown()
        }
        #expect(PageLedger.livePages(allocatedByThisThreadSince: mark).map(\.site) == [])
    }

    @Test("leaked-cell, one page leaked per pool, is a resource leak within 5 seconds", .runsCanary)
    func leakedCellIsCaught() async {
        await expectDriverRun(["--variant", Canary.leakedCell.rawValue, "--seconds", "5",
                               "--threads", "2,3,4", "--faults", "0", "--noise", "0", "--quiet"],
                              endsAs: .exitCode(1), showing: ["VIOLATION (resource leak)", "allocated at Pool/SequenceSteps.swift:"])
    }
}
