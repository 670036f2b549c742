import PoolSupport

/// The first failure of a pool: which thread, and why. Later failures are dropped.
///
/// Written by the failing thread before it raises stop; read by the caller after it sees
/// stop. A mutex orders the two (it is the cold path). Not a spin lock, because storing an
/// error may allocate, and allocation can block. A `CheckedMutex` (a pthread mutex), not
/// `Synchronization.Mutex`, which ThreadSanitizer misreads when contended
/// (docs/PLATFORM.md, "Contended Synchronization.Mutex").
@usableFromInline package final class FailureRecord: @unchecked Sendable {
    private let mutex = CheckedMutex()
    private var first: (thread: Int, error: any Error)?

    @usableFromInline package init() {}

    /// Records the failure unless one is already recorded. Returns whether this one was first.
    @discardableResult
    @usableFromInline package func record(thread: Int, error: any Error) -> Bool {
        mutex.withLock {
            explorationLocked()
            defer { explorationUnlocking() }
            explorationAccess(writes: false)
            if first != nil { return false }
            explorationAccess(writes: true)
            first = (thread, error)
            return true
        }
    }

    @usableFromInline package var failure: (thread: Int, error: any Error)? {
        mutex.withLock {
            explorationLocked()
            defer { explorationUnlocking() }
            explorationAccess(writes: false)
            return first
        }
    }

    // Under `stress --explore` the record is one cell of the memory model's race check, and
    // the mutex, which the controller does not schedule, is told to the model: its lock as an
    // acquire, its unlock as a release (`ExplorationController.happensBefore`). In any other
    // build these compile to nothing.

    private var explorationToken: UInt { UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque()) }

    private func explorationLocked() {
        #if Exploration
        Exploration.activeController?.happensAfter(explorationToken)
        #endif
    }

    private func explorationUnlocking() {
        #if Exploration
        Exploration.activeController?.happensBefore(explorationToken)
        #endif
    }

    private func explorationAccess(writes: Bool) {
        #if Exploration
        Exploration.activeController?.plainAccess(explorationToken, writes: writes)
        #endif
    }
}
