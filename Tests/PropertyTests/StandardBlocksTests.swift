import Pool
import Testing

/// A pool that names no block gets the shipped ones (sequence scheduler, slot reducer),
/// custom work included; a block left unnamed is the standard one; the book's pair is
/// chosen by name.
@Suite("The API leads to the shipped blocks")
struct StandardBlocksTests {
    static let squares = ClosureWork { share in
        var sum: UInt64 = 0
        for index in share.offset ..< share.offset + share.count { sum &+= index &* index }
        return sum
    }

    /// The sum of i² over 0 ..< n, in closed form.
    static func sumOfSquares(below n: UInt64) -> UInt64 { n == 0 ? 0 : (n - 1) * n * (2 * n - 1) / 6 }

    @Test("Custom work with no block named: sequence scheduler, slot reducer")
    func customWorkGetsShippedBlocks() throws {
        var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: 2), work: Self.squares)
        #expect(type(of: pool.scheduler) == SequenceScheduler.self)
        #expect(type(of: pool.reducer) == SlotReducer.self)
        #expect(try pool.run(target: 1000) == Self.sumOfSquares(below: 1000))
        var standard = try StandardPool(configuration: PoolConfiguration(threadCount: 2), work: Self.squares)
        #expect(type(of: standard.reducer) == SlotReducer.self)
        #expect(try standard.run(target: 77) == Self.sumOfSquares(below: 77))
    }

    @Test("A scheduler named alone keeps the standard reducer")
    func namedSchedulerKeepsSlotReducer() throws {
        var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: 2), scheduler: FutexScheduler.self, work: Self.squares)
        #expect(type(of: pool.reducer) == SlotReducer.self)
        #expect(try pool.run(target: 500) == Self.sumOfSquares(below: 500))
    }

    @Test("The book's pair, by name")
    func booksPairByName() throws {
        var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: 2), scheduler: FutexScheduler.self,
                                  reducer: SpinLockReducer.self, work: Self.squares)
        #expect(type(of: pool.scheduler) == FutexScheduler.self)
        #expect(type(of: pool.reducer) == SpinLockReducer.self)
        #expect(try pool.run(target: 500) == Self.sumOfSquares(below: 500))
    }

    @Test("CountingPool is the standard blocks counting")
    func countingPool() throws {
        var pool = try CountingPool(configuration: PoolConfiguration(threadCount: 2))
        #expect(type(of: pool.scheduler) == SequenceScheduler.self && type(of: pool.reducer) == SlotReducer.self)
        #expect(try pool.run(target: 12_345) == 12_345)
    }
}
