import Canaries
import Glibc
import Pool
import StressKit
import Testing

/// Exact resource accounting: the ledger sees every page a pool allocates and every worker it
/// starts come back when it is destroyed, and a pool that leaks one page (`leaked-cell`) is a
/// `resource leak` within seconds, naming where the page was allocated.
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

    @Test("A pool's workers are counted while they run and gone once it is shut down", arguments: [1, 2, 4])
    func poolReturnsItsThreads(threadCount: Int) throws {
        PageLedger.start()
        let mark = PageLedger.mark
        let threads = { PageLedger.liveResources(allocatedByThisThreadSince: mark).filter { $0.kind == .thread } }
        do {
            var pool = try CountingPool(configuration: PoolConfiguration(threadCount: threadCount))
            #expect(threads().count == threadCount - 1, "\(threads().map(\.site))")
            #expect(try pool.run(target: 100) == 100)
            try pool.shutdown()
        }
        #expect(threads().map(\.site) == [])
    }

    @Test("A thread that starts and never ends is live in the ledger, named with where it started")
    func unendedThreadIsLive() {
        PageLedger.start()
        let mark = PageLedger.mark
        let key = PageLedger.threadStarted("pool-worker-7")
        let live = PageLedger.liveResources(allocatedByThisThreadSince: mark)
        #expect(live.count == 1 && live.first?.kind == .thread)
        #expect(live.first?.site.hasPrefix("pool-worker-7, started at StressTests/PageLedgerTests.swift:") == true, "\(live)")
        PageLedger.threadEnded(key)
        #expect(PageLedger.liveResources(allocatedByThisThreadSince: mark).isEmpty)
    }

    @Test("leaked-cell, one page leaked per pool, is a resource leak within 5 seconds", .runsCanary)
    func leakedCellIsCaught() async {
        await expectDriverRun(["--variant", Canary.leakedCell.rawValue, "--seconds", "5",
                               "--threads", "2,3,4", "--faults", "0", "--noise", "0", "--quiet"],
                              endsAs: .exitCode(1), showing: ["VIOLATION (resource leak)", "allocated at Pool/SequenceSteps.swift:"])
    }
}
