import PoolSupport

/// One pool's noise: its `NoiseProfile`, and one generator state per thread, each on a
/// cache line of its own and touched only by its own thread (plain memory).
///
/// The states are drawn from the run's seed on a stream of the episode, so that an episode
/// replays with the same noise draws (the timing still differs between runs).
final class ThreadNoise: @unchecked Sendable {
    /// Noise streams are the episode's index plus this offset, away from the plan's own
    /// streams (one per episode index).
    static let streamOffset: UInt64 = 0x5EED

    let profile: NoiseProfile
    private let states: UnsafeMutablePointer<UInt64>

    init(level: Int, threadCount: Int, seed: UInt64, episode: Int) {
        profile = NoiseProfile(level: level)
        states = .allocate(capacity: threadCount * CacheLine.words)
        var seeds = SplitMix64(seed: seed, stream: UInt64(episode) &+ Self.streamOffset)
        for index in 0..<(threadCount * CacheLine.words) { (states + index).initialize(to: seeds.next()) }
    }

    deinit { states.deallocate() }

    /// One probe pass of `thread`: maybe delay it.
    @inline(__always)
    func delay(thread: Int) {
        if profile.level > 0 { profile.delay(state: states + thread &* CacheLine.words) }
    }
}
