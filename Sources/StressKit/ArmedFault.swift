import Pool

/// A planned fault packed into one 64-bit word, so that arming, firing and disarming are
/// single atomic operations and no plain field is shared between the caller and the pool.
///
/// Layout: bits 0-1 state, 2-3 kind, 4-7 point, 8-18 thread, 19-39 stall µs, 40-63 job.
public struct ArmedFault: Sendable, Equatable {
    public enum State: UInt64, Sendable {
        /// Nothing armed (or disarmed).
        case idle = 0
        case armed = 1
        /// Fired before the thread's contribution to the job: the job must fail.
        case firedBeforeContribution = 2
        /// Fired after the thread's contribution: the job may succeed; the pool still stops.
        case firedAfterContribution = 3
    }

    public let state: State
    public let kind: FaultKind
    public let point: ProbePoint
    public let thread: Int
    public let stallMicroseconds: UInt32
    /// The low 24 bits of the job number.
    public let job: UInt64

    static let kinds = FaultKind.allCases

    public init(_ word: UInt64) {
        state = Self.state(of: word)
        kind = Self.kinds[Int((word >> 2) & 3)]
        point = ProbePoint(rawValue: UInt8((word >> 4) & 0xF)) ?? .beforePark
        thread = Int((word >> 8) & 0x7FF)
        stallMicroseconds = UInt32((word >> 19) & 0x1F_FFFF)
        job = word >> 40
    }

    public static func pack(_ fault: PlannedFault, job: UInt64, state: State) -> UInt64 {
        let kindIndex = UInt64(kinds.firstIndex(of: fault.kind)!)
        return state.rawValue | kindIndex << 2 | UInt64(fault.point.rawValue) << 4
            | UInt64(fault.thread & 0x7FF) << 8 | UInt64(min(fault.stallMicroseconds, 0x1F_FFFF)) << 19
            | (job & 0xFF_FFFF) << 40
    }

    @inline(__always)
    public static func state(of word: UInt64) -> State { State(rawValue: word & 3)! }

    @inline(__always)
    public static func withState(_ word: UInt64, _ state: State) -> UInt64 { (word & ~3) | state.rawValue }
}
