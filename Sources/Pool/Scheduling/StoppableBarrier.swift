import Synchronization

/// A reusable barrier for a fixed number of parties that a stop can break.
///
/// `pthread_barrier_t` cannot be cancelled: once a party has died, the others wait forever.
/// This one can. The generation word counts rounds in steps of 2; bit 0 is "broken". A
/// broken barrier stays broken, and every waiter, present or future, gets `.stopped`.
///
/// One round: each party does one fetch-add on `arrived`. The last one resets `arrived`,
/// bumps the generation (seq_cst RMW) and wakes parked parties if any. The others spin
/// (bounded), then park on the generation word.
///
/// Ownership: owned by one scheduler, which calls `deallocate()` in its deinit.
@usableFromInline package struct StoppableBarrier: Sendable {
    @usableFromInline package let generation: ParkingWord
    @usableFromInline let arrived: PaddedAtomic<UInt32>
    @usableFromInline let parties: UInt32

    @usableFromInline package init(parties: Int) {
        precondition(parties >= 1, "StoppableBarrier needs at least 1 party, got \(parties)")
        generation = ParkingWord(0, label: "generation", sleepersLabel: "generation.sleepers")
        arrived = PaddedAtomic(0, label: "arrived")
        self.parties = UInt32(parties)
    }

    @usableFromInline package func deallocate() {
        generation.deallocate()
        arrived.deallocate()
    }

    @inlinable
    package var isBroken: Bool {
        // relaxed: a hint; arriveAndWait re-reads with acquire.
        generation.word.load(ordering: .relaxed) & 1 != 0
    }

    /// Waits until all parties have arrived in this round. Throws `.stopped` if the barrier
    /// is or becomes broken before the round completes (as seen by this party).
    @inlinable
    package func arriveAndWait<Probe: PoolProbe>(
        thread: Int, policy: SpinPolicy, probe: Probe
    ) throws(ProtocolInterruption) {
        let word = generation.word
        // acquire: pairs with the previous round's bump, so this party sees `arrived` reset.
        let round = word.load(ordering: .acquiring)
        if round & 1 != 0 { throw .stopped }
        // acquiring-and-releasing: release hands this party's writes (the caller's request)
        // to the last arriver; acquire lets the last arriver collect every party's writes.
        let before = arrived.wrappingAdd(1, ordering: .acquiringAndReleasing)
        if before + 1 == parties {
            // relaxed: published by the generation bump below.
            arrived.store(0, ordering: .relaxed)
            // seq_cst: release publishes everything collected above to the waiters (pairs with
            // their acquiring load below); seq_cst is ParkingWord's publisher half.
            _ = word.wrappingAdd(2, ordering: .sequentiallyConsistent)
            generation.wakeAllIfSleeping()
            PoolTrace.log(thread, "barrier: round \(round >> 1) complete")
            try probe.pass(.barrierCompleted, thread: thread, value: UInt64(round))
            return
        }
        while true {
            let changed = BoundedSpinWait.wait(
                policy: policy,
                until: { word.load(ordering: .relaxed) != round },
                orFull: { word.load(ordering: .relaxed) != round })
            if changed { break }
            try probe.pass(.beforePark, thread: thread, value: UInt64(round))
            PoolTrace.log(thread, "barrier: parks in round \(round >> 1)")
            generation.park(whileEqualTo: round)
            try probe.pass(.afterWake, thread: thread, value: UInt64(round))
        }
        // acquire: pairs with the last arriver's seq_cst bump (or the breaker's).
        if word.load(ordering: .acquiring) & 1 != 0 { throw .stopped }
    }

    /// Breaks the barrier for good and wakes every parked party.
    @usableFromInline package func breakBarrier() {
        // seq_cst: release for symmetry with the bump; the wake that follows is unconditional.
        _ = generation.word.bitwiseOr(1, ordering: .sequentiallyConsistent)
        generation.wakeAll()
    }
}
