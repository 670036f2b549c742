/// Hard limits of the pool.
public enum ThreadPoolLimits {
    /// Most threads one pool may have (caller included). The task word could count 2^31, but
    /// more threads than this is a mistake worth a clear error, not a pool.
    public static let maximumThreads = 1024
}

/// How a pool is built.
public struct PoolConfiguration: Sendable {
    /// Threads, the caller included. Default: the CPUs this process may use.
    public var threadCount: Int
    /// How every wait in the pool spins before it yields or parks.
    public var spinPolicy: SpinPolicy
    /// Pin worker i to the i-th allowed CPU (modulo their number). The caller is not pinned:
    /// allowed CPU 0 is left for it; pin it with `CPUAffinity.pinCurrentThread(to:)`.
    public var pinning: Bool
    /// How long shutdown waits for each worker to exit before giving up on it.
    public var shutdownTimeout: Duration
    /// How shutdown settles the workers once stop is raised: always the real step for a
    /// client (`package` access); a canary selects a broken one (`ShutdownSteps`).
    package var shutdownSteps: any ShutdownSteps.Type = CorrectShutdownSteps.self
    /// A boundary state for the harness (`package` access; read once, when the pool is
    /// built, never per job): the job sequence a sequence scheduler starts from, instead of
    /// 0, so that a few jobs cross its 31-bit wrap next to the stop bit
    /// (`SequenceBoundaryStart`). nil, and ignored by other schedulers: 0.
    package var startingSequence: UInt32?

    /// Harness only (package access, read once when the pool is built, never per job): the
    /// job number a slot reducer starts from, instead of 0, so that a few jobs cross
    /// `UInt64.max` (`SlotBoundaryStart`). nil, and ignored by other reducers: 0.
    package var startingSlotJob: UInt64?

    public init(
        threadCount: Int = CPUAffinity.availableCPUCount,
        spinPolicy: SpinPolicy = .default,
        pinning: Bool = false,
        shutdownTimeout: Duration = .seconds(30)
    ) {
        self.threadCount = threadCount
        self.spinPolicy = spinPolicy
        self.pinning = pinning
        self.shutdownTimeout = shutdownTimeout
    }
}
