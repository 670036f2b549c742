import Glibc
import PoolSupport
import Synchronization

/// Exact accounting of what a pool takes from the system: the pages it allocates
/// (`IsolatedPage`: every padded word, cell and shared line, so every futex word too) and the
/// worker threads it starts (`WorkerThreads`, until each one's body has returned), for the
/// stress driver's `resource leak` verdict: which page or thread a pool did not give back, and
/// where it was allocated or started.
///
/// Contract: off until `start()`; while off, an allocation or a free costs one relaxed load
/// and nothing else. Pages are allocated when a pool is built and freed when it is destroyed,
/// never per job. On, each live page is recorded with its allocation site and the thread that
/// allocated it, under a mutex. `package` access: no client sees it.
package enum PageLedger {
    /// One live page: where it was allocated, by which thread, in which order.
    package struct Entry: Sendable {
        /// A page, or a worker thread (`threadStarted`).
        package enum Kind: String, Sendable { case page, thread }
        package var kind: Kind = .page
        package var site: String
        package var thread: UInt
        package var serial: UInt64
    }

    private static let isOn = Atomic<Bool>(false)
    private static let mutex = CheckedMutex()
    nonisolated(unsafe) private static var live: [UInt: Entry] = [:]
    nonisolated(unsafe) private static var nextSerial: UInt64 = 0

    /// Starts recording (idempotent). Pages allocated before are not known to the ledger.
    package static func start() {
        // relaxed: the mutex orders the books; this only gates them.
        isOn.store(true, ordering: .relaxed)
    }

    static func allocated(_ block: UnsafeMutableRawPointer, site: StaticString, line: UInt) {
        // relaxed: see `start`.
        guard isOn.load(ordering: .relaxed) else { return }
        let entry = Entry(site: "\(site):\(line)", thread: UInt(pthread_self()), serial: 0)
        mutex.withLock {
            nextSerial &+= 1
            var numbered = entry
            numbered.serial = nextSerial
            live[UInt(bitPattern: block)] = numbered
        }
    }

    static func freed(_ block: UnsafeMutableRawPointer) {
        // relaxed: see `start`.
        guard isOn.load(ordering: .relaxed) else { return }
        let removed = mutex.withLock { live.removeValue(forKey: UInt(bitPattern: block)) }
        _ = removed  // released outside the lock
    }

    /// The ledger's position: pages allocated after it are "since" it.
    package static var mark: UInt64 { mutex.withLock { nextSerial } }

    /// The pages the calling thread allocated after `mark` and has not freed: for a pool
    /// built on this thread after `mark` and destroyed since, what it leaked.
    package static func livePages(allocatedByThisThreadSince mark: UInt64) -> [Entry] {
        liveResources(allocatedByThisThreadSince: mark).filter { $0.kind == .page }
    }

    /// The pages and worker threads the calling thread allocated or started after `mark` and
    /// that are still live.
    package static func liveResources(allocatedByThisThreadSince mark: UInt64) -> [Entry] {
        let thread = UInt(pthread_self())
        let entries = mutex.withLock { live.values.filter { $0.thread == thread && $0.serial > mark } }
        return entries.sorted { $0.serial < $1.serial }
    }

    /// A worker thread is about to start on the calling thread's behalf: its key for
    /// `threadEnded`, or nil while the ledger is off. Keys have the top bit set, which no
    /// page's address has.
    package static func threadStarted(_ name: String, site: StaticString = #fileID, line: UInt = #line) -> UInt? {
        // relaxed: see `start`.
        guard isOn.load(ordering: .relaxed) else { return nil }
        return mutex.withLock {
            nextSerial &+= 1
            let key = UInt(1) << (UInt.bitWidth - 1) | UInt(nextSerial)
            live[key] = Entry(kind: .thread, site: "\(name), started at \(site):\(line)", thread: UInt(pthread_self()), serial: nextSerial)
            return key
        }
    }

    /// The worker thread of `key` has returned from its body (or was never created).
    package static func threadEnded(_ key: UInt?) {
        guard let key else { return }
        let removed = mutex.withLock { live.removeValue(forKey: key) }
        _ = removed  // released outside the lock
    }
}
