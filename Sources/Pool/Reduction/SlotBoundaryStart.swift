/// A reducer whose job numbers can start somewhere other than 0: the harness's hook for
/// boundary states (`PoolConfiguration.startingSlotJob`), so that a pool's job numbers cross
/// `UInt64.max` within a few jobs, which no run reaches otherwise.
///
/// Contract: called once, by `ThreadPool`'s initialiser, after the reducer is built and
/// before any worker thread exists; never again. `package` access: no client can call it,
/// and no job pays for it.
package protocol SlotBoundaryStart: AnyObject {
    /// Sets the caller's job count, every slot's sequence and every thread's count of merges
    /// to `job`, as if `job` jobs had run: the pool's first job is `job &+ 1`.
    func startJobs(at job: UInt64)
}

extension SlotReducerWith: SlotBoundaryStart {
    package func startJobs(at job: UInt64) {
        // relaxed, and past exploration's scheduling points: no other thread exists yet;
        // spawning the workers publishes it.
        words.job.pointer.pointee.store(job, ordering: .relaxed)
        for slot in words.slots {
            slot.sequence.pointer.pointee.store(job, ordering: .relaxed)
            slot.merges.value = job
        }
    }
}
