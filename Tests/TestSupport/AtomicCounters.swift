import Synchronization

/// A fixed array of atomic counters at stable addresses, for probes that many pool threads
/// reach at once.
///
/// Plain operations are relaxed: such a counter publishes nothing, and the harness reads
/// it only after something that orders it (a join, or `loadAcquiring` of a progress
/// counter that pairs with the writer's `addReleasing`).
package final class AtomicCounters: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Atomic<Int>>
    package let count: Int

    package init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        for index in 0..<max(count, 1) { (base + index).initialize(to: Atomic(0)) }
    }

    deinit {
        base.deinitialize(count: max(count, 1))
        base.deallocate()
    }

    package func increment(_ index: Int) { add(index, 1) }

    package func add(_ index: Int, _ value: Int) {
        checkIndex(index)
        (base + index).pointee.wrappingAdd(value, ordering: .relaxed)
    }

    package func store(_ index: Int, _ value: Int) {
        checkIndex(index)
        (base + index).pointee.store(value, ordering: .relaxed)
    }

    /// Progress that publishes: release, so that whoever acquires the new value with
    /// `loadAcquiring` sees everything this thread wrote before (pairs with it).
    package func addReleasing(_ index: Int, _ value: Int) {
        checkIndex(index)
        (base + index).pointee.wrappingAdd(value, ordering: .releasing)
    }

    /// Acquire: pairs with `addReleasing`.
    package func loadAcquiring(_ index: Int) -> Int {
        checkIndex(index)
        return (base + index).pointee.load(ordering: .acquiring)
    }

    private func checkIndex(_ index: Int) {
        precondition(index >= 0 && index < count, "AtomicCounters: index \(index) is not in 0 ..< \(count)")
    }

    package subscript(index: Int) -> Int {
        checkIndex(index)
        return (base + index).pointee.load(ordering: .relaxed)
    }

    package func reset() {
        for index in 0..<count { (base + index).pointee.store(0, ordering: .relaxed) }
    }
}
