import Testing
import Pool

@Test(arguments: [1, 2, 3, 4, 8])
func smoke(threads: Int) throws {
    var pool = try ThreadPool(configuration: PoolConfiguration(threadCount: threads), scheduler: FutexScheduler.self, work: CountingWork())
    for target: UInt64 in [0, 1, 2, 3, 7, 1000, 123_457] {
        #expect(try pool.run(target: target) == target)
    }
    var basic = try ThreadPool(configuration: PoolConfiguration(threadCount: threads, spinPolicy: .parkImmediately), scheduler: BasicScheduler.self, work: CountingWork())
    for _ in 0..<200 {
        for target: UInt64 in [0, 1, 2, 3, 7, 1000] {
            #expect(try basic.run(target: target) == target)
        }
    }
}
