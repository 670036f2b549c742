import Pool

/// The caller's last probe point and when it passed it: taken before a job's `run` and
/// compared after, it tells whether the caller passed any point in between. A job the pool
/// refused at its start (its `isStopped` check) passes none; a job that began passes
/// `beforePublish` or `shareDone` at least. How the driver knows, without timing, which
/// error the contract gives a job that an injected failure stopped.
struct CallerMark: Equatable {
    let point: ProbePoint?
    let time: UInt64

    /// The caller's mark now. Call it on the caller.
    init(_ record: ProbeRecord) {
        let last = record.lastPoint(of: 0)
        point = last.point
        time = last.time
    }
}
