import CPoolSupport
import Glibc
import PoolSupport

/// Random delays at probe points: how the driver shakes thread timing.
///
/// Per level, per probe pass: a chance of a short spin (pause hints), a rarer `sched_yield`
/// (lets another thread of an oversubscribed machine run in the middle of a protocol step),
/// and a rarer sleep (long enough for spinning peers to give up and park). Level 0 is off.
/// Each thread draws from its own generator, so noise costs no shared cache line.
public struct NoiseProfile: Sendable {
    public let level: Int
    /// Out of 2^16: chance of a spin, of a yield, of a sleep.
    let spinChance: UInt64
    let yieldChance: UInt64
    let sleepChance: UInt64
    let maximumSpin: UInt64
    let maximumSleepMicroseconds: UInt64

    public init(level: Int) {
        self.level = level
        switch level {
        case 0: (spinChance, yieldChance, sleepChance, maximumSpin, maximumSleepMicroseconds) = (0, 0, 0, 1, 1)
        case 1: (spinChance, yieldChance, sleepChance, maximumSpin, maximumSleepMicroseconds) = (1024, 64, 4, 256, 50)
        case 2: (spinChance, yieldChance, sleepChance, maximumSpin, maximumSleepMicroseconds) = (4096, 512, 32, 1024, 200)
        default: (spinChance, yieldChance, sleepChance, maximumSpin, maximumSleepMicroseconds) = (8192, 2048, 256, 4096, 500)
        }
    }

    /// One probe pass: maybe delay. `state` is the calling thread's own generator word.
    @inline(__always)
    func delay(state: UnsafeMutablePointer<UInt64>) {
        var generator = SplitMix64(seed: state.pointee)
        let draw = generator.next()
        state.pointee = generator.state
        let roll = draw & 0xFFFF
        let amount = draw >> 16
        if roll < sleepChance {
            usleep(UInt32(1 + amount % maximumSleepMicroseconds))
        } else if roll < sleepChance + yieldChance {
            sched_yield()
        } else if roll < sleepChance + yieldChance + spinChance {
            for _ in 0..<(1 + amount % maximumSpin) { cpool_cpu_relax() }
        }
    }
}
