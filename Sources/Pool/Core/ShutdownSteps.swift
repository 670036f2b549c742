/// The last step of a pool's shutdown, once stop is raised: settle every worker thread.
///
/// The real step (`CorrectShutdownSteps`) joins each worker within the shutdown timeout and
/// detaches one that does not end in time (`WorkerThreads.joinAll`). Like the scheduler's
/// and the reducer's steps (`FutexSteps`, `SpinLockSteps`), it is replaceable so that a
/// canary can be the real pool with this one step broken (`Sources/Canaries`); unlike them
/// it is not a generic parameter of the pool but a `package` field of its configuration
/// (`PoolConfiguration.shutdownSteps`): a client of the library cannot select another step,
/// and every pool it builds takes the real one.
///
/// Cost: one call through a metatype per pool, at shutdown; jobs never reach it.
package protocol ShutdownSteps: SendableMetatype {
    /// The canary's registry name; nil for the real step.
    static var variantName: String? { get }
    /// After stop is raised: joins every worker, each within `timeoutNanoseconds`.
    /// Throws `.shutdownTimedOut` naming the first worker that did not exit in time.
    static func settleWorkers(_ workers: WorkerThreads, timeoutNanoseconds: UInt64) throws(PoolError)
}

extension ShutdownSteps {
    package static var variantName: String? { nil }

    package static func settleWorkers(_ workers: WorkerThreads, timeoutNanoseconds: UInt64) throws(PoolError) {
        try workers.joinAll(timeoutNanoseconds: timeoutNanoseconds)
    }
}

/// The real shutdown step: the default.
package enum CorrectShutdownSteps: ShutdownSteps {}
