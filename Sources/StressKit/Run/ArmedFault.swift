import Pool

/// A planned fault packed into one 64-bit word, so that arming, firing and disarming are
/// single atomic operations and no plain field is shared between the caller and the pool.
///
/// Layout (each `Field` below names its bits once): bits 0-1 state, 2-3 kind, 4-7 point,
/// 8-18 thread, 19-39 stall µs, 40-63 job tag.
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

    /// One field of the packed word: the value's bits (`mask`), stored from bit `shift`.
    struct Field {
        let shift: UInt64
        let mask: UInt64

        @inline(__always) func read(_ word: UInt64) -> UInt64 { (word >> shift) & mask }
        @inline(__always) func packed(_ value: UInt64) -> UInt64 { (value & mask) << shift }
    }

    static var stateField: Field { Field(shift: 0, mask: 0x3) }
    static var kindField: Field { Field(shift: 2, mask: 0x3) }
    static var pointField: Field { Field(shift: 4, mask: 0xF) }
    static var threadField: Field { Field(shift: 8, mask: 0x7FF) }
    static var stallField: Field { Field(shift: 19, mask: 0x1F_FFFF) }
    static var jobField: Field { Field(shift: 40, mask: 0xFF_FFFF) }

    public let state: State
    public let kind: FaultKind
    public let point: ProbePoint
    public let thread: Int
    public let stallMicroseconds: UInt32
    /// The job's tag: the low 24 bits of its number (`jobTag(of:)`).
    public let job: UInt64

    static let kinds = FaultKind.allCases

    /// The part of a job number that the packed word keeps. Whatever compares a job with a
    /// fired fault (the failure's tag, the "contributed yet?" check) compares tags.
    @inline(__always)
    public static func jobTag(of job: UInt64) -> UInt64 { job & jobField.mask }

    public init(_ word: UInt64) {
        state = Self.state(of: word)
        kind = Self.kinds[Int(Self.kindField.read(word))]
        point = ProbePoint(rawValue: UInt8(Self.pointField.read(word))) ?? .beforePark
        thread = Int(Self.threadField.read(word))
        stallMicroseconds = UInt32(Self.stallField.read(word))
        job = Self.jobField.read(word)
    }

    public static func pack(_ fault: PlannedFault, job: UInt64, state: State) -> UInt64 {
        let kindIndex = UInt64(kinds.firstIndex(of: fault.kind)!)
        // The stall saturates at the field's maximum; every other value fits its field.
        return stateField.packed(state.rawValue) | kindField.packed(kindIndex)
            | pointField.packed(UInt64(fault.point.rawValue)) | threadField.packed(UInt64(truncatingIfNeeded: fault.thread))
            | stallField.packed(min(UInt64(fault.stallMicroseconds), stallField.mask)) | jobField.packed(job)
    }

    @inline(__always)
    public static func state(of word: UInt64) -> State { State(rawValue: stateField.read(word))! }

    @inline(__always)
    public static func withState(_ word: UInt64, _ state: State) -> UInt64 {
        (word & ~stateField.packed(stateField.mask)) | stateField.packed(state.rawValue)
    }
}
