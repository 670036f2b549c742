#if Exploration
@testable import StressKit
import Testing

/// Exploration is deterministic only if the wall clock shapes no schedule. The stress run
/// context ends episodes for time (its deadline, and the end of its phase: the default
/// profile alternates noisy and hot phases by the clock), so exploration's context must have
/// neither. Before `RunContext.exploring`, a hunt that outlasted the first 2 s noisy phase
/// ran its schedules in a hot window, where every episode stopped before its first job: the
/// hunts of a loaded machine spent their budgets on empty schedules, and replays replayed
/// nothing.
@Suite("Exploration: the clock shapes no schedule")
struct ClockIndependenceTests {
    static let secondsIntoTheRun: [Double] = [0, 1.9, 2.5, 3.5, 10, 1_000]

    @Test("An exploration's context is in its episodes' phase at any time, with no deadline in sight",
          arguments: secondsIntoTheRun)
    func explorationContextIgnoresTheClock(seconds: Double) throws {
        let context = RunContext.exploring(options: StressOptions(), seed: 1, findingInterceptor: { _, _, _, _ in })
        let episode = try ScenarioText.parse("futex:2:5")
        #expect(!context.schedule.alternates)
        #expect(context.phase(at: context.startedAt &+ UInt64(seconds * 1e9)) == episode.phase)
        #expect(!context.timeIsUp)
    }

    @Test("The stress run's own context does end a noisy episode when its hot window comes (what exploration must not inherit)")
    func stressContextFollowsTheClock() {
        let context = RunContext(options: StressOptions(), seed: 1, callerThreads: 1)
        #expect(context.schedule.alternates)
        #expect(context.phase(at: context.startedAt &+ 2_500_000_000) == .hot)
    }
}
#endif
