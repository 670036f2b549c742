/// SplitMix64: a tiny, fast, seedable generator whose sequence is fixed by its seed forever.
///
/// The plan must be a pure function of the seed across runs and toolchains, so the plan does
/// not use `SystemRandomNumberGenerator` or the standard library's unspecified algorithms
/// (`Int.random(in:using:)` may change between releases): only `next()` and the helpers here.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for stream `stream` of `seed`, independent of the other streams.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededGenerator(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// Uniform in 0 ..< bound (bound > 0), by multiply-shift (bias < 2^-32 for our bounds).
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "SeededGenerator.below needs a bound > 0")
        return UInt64((UInt128(next()) &* UInt128(bound)) >> 64)
    }

    /// Uniform in `range`.
    public mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound) + 1))
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1.0p-53 < probability
    }

    /// One element of a non-empty array.
    public mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int(below(UInt64(elements.count)))]
    }
}
