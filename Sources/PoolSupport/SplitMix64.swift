/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast, seedable generator whose
/// sequence is fixed by its seed forever.
///
/// Whatever must be a pure function of a seed uses it: the stress plan (replayed from its
/// seed and pinned by its digest), the stress driver's noise, the tests' random cases (each
/// reruns alone from its seed argument). So nothing of that kind uses
/// `SystemRandomNumberGenerator`, or the standard library's unspecified algorithms such as
/// `Int.random(in:using:)` where the result must stay the same across toolchains: only
/// `next()` and the helpers here, whose arithmetic is written out.
///
/// Changing anything here changes every stress plan: `Tests/StressTests/PlanTests.swift`
/// checks that equal seeds give equal plans, and the digests printed by earlier runs would
/// no longer replay.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    /// Odd multiplier that spreads stream numbers over the seed space.
    private static let streamMultiplier: UInt64 = 0xD1B5_4A32_D192_ED03

    package init(seed: UInt64) { state = seed }

    /// A generator for stream `stream` of `seed`, independent of the other streams.
    package init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* Self.streamMultiplier))
        state = mixer.next()
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// Uniform in 0 ..< bound (bound > 0), by multiply-shift (bias < 2^-32 for our bounds).
    package mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "SplitMix64.below needs a bound > 0")
        return UInt64((UInt128(next()) &* UInt128(bound)) >> 64)
    }

    /// Uniform in `range`.
    package mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    /// True with probability `probability`.
    package mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1.0p-53 < probability
    }

    /// One element of a non-empty array.
    package mutating func pick<Element>(_ elements: [Element]) -> Element {
        precondition(!elements.isEmpty, "SplitMix64.pick needs a non-empty array")
        return elements[Int(below(UInt64(elements.count)))]
    }
}
