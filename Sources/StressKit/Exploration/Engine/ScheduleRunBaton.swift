#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// `ScheduleRun`'s threads: who is who, the baton that lets exactly one of them run, and the
/// explorer's side (the caller's body, waiting for the schedule to end).
extension ScheduleRun {
    // MARK: thread identity and the baton

    /// Whether the calling thread is bound to this run.
    var isControlled: Bool { Exploration.binding?.controller === self }

    /// The calling thread's slot. Only called from hooks on threads bound to this run.
    var me: Int { Exploration.binding!.thread }

    func setIdentity(_ slot: Int?) {
        Exploration.bind(slot.map { bindings[$0] })
    }

    func baton(_ thread: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        batons + thread * Self.batonStride
    }

    func signal(_ thread: Int) {
        let word = baton(thread)
        // release: hands the model (and everything the previous thread wrote) to `thread`;
        // pairs with the acquiring load in `waitForBaton`.
        word.pointee.store(1, ordering: .releasing)
        _ = cpool_futex_wake(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), 1)
    }

    /// Blocks the calling thread until the baton comes back to it. Ends the thread if the run
    /// was aborted meanwhile.
    func waitForBaton(_ thread: Int) {
        let word = baton(thread)
        // acquire: pairs with the releasing store in `signal`.
        while word.pointee.load(ordering: .acquiring) == 0 {
            var error: Int32 = 0
            _ = cpool_futex_wait(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self), 0, &error)
        }
        // relaxed: only this thread reads its own word until it hands the baton on.
        word.pointee.store(0, ordering: .relaxed)
        if aborted { endThread(thread) }
    }

    func handOff(from thread: Int, to next: Int) {
        switches += 1
        signal(next)
        waitForBaton(thread)
    }

    /// Ends a controlled thread of a failed run, wherever it is: its protocol cannot finish.
    /// Workers detach themselves (nobody will join them); thread 0 is joined by the explorer.
    func endThread(_ thread: Int) -> Never {
        setIdentity(nil)
        if thread != 0 { _ = pthread_detach(pthread_self()) }
        pthread_exit(nil)
    }

    // MARK: the explorer's side

    /// The explorer, before it starts thread 0: thread 0 begins with the baton.
    func prepareCaller() {
        threads[0] = ControlledThread()
        threads[0].status = .ready
        // relaxed: published to thread 0 by pthread_create.
        baton(0).pointee.store(1, ordering: .relaxed)
    }

    /// Thread 0's body: the scenario's caller. Runs `body`, then ends the run.
    func callerMain(_ body: () -> Void) {
        setIdentity(0)
        waitForBaton(0)
        body()
        callerFinished()
    }

    /// Waits until the run ends; false if `timeoutNanoseconds` passed first.
    func waitUntilDone(timeoutNanoseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.nanoseconds() &+ timeoutNanoseconds
        let address = UnsafeMutableRawPointer(doneWord).assumingMemoryBound(to: UInt32.self)
        // acquire: pairs with the releasing store in `markDone`: the run's results are visible.
        while doneWord.pointee.load(ordering: .acquiring) == 0 {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline { return false }
            var error: Int32 = 0
            _ = cpool_futex_wait_timeout(address, 0, Int64(clamping: deadline - now), &error)
        }
        return true
    }

    func markDone() {
        // release: publishes the run's results to the explorer (`waitUntilDone`).
        doneWord.pointee.store(1, ordering: .releasing)
        _ = cpool_futex_wake(UnsafeMutableRawPointer(doneWord).assumingMemoryBound(to: UInt32.self), 1)
    }

    func callerFinished() {
        let thread = me
        flushProbeNotice(thread)
        for other in 1..<Self.maximumThreads where threads[other].isLive {
            fail(.invariant, "thread \(other) is still alive after the scenario ended (its pool was shut down): \(describe(other))",
                 jobIndex: nil)
        }
        threads[0].status = .exited
        record(0, "end", "", "the scenario ended; every check passed")
        setIdentity(nil)
        markDone()
    }

}
#endif
