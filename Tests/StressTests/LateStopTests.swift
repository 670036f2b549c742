import Canaries
import Foundation
import Glibc
import StressKit
import Testing

/// The races around a late stop: a run with faults reaches each of them, and the canary that
/// mishandles a stop landing between the caller's `isStopped` check and its publish
/// (`blind-publish`) is caught within seconds. Child processes armed with `alarm`.
@Suite("Late stops", .serialized)
struct LateStopTests {
    static let lateStopRaces: [ProtocolRace] = [.failureBetweenJobs, .stopBeforePublish, .stopDuringGather, .failureDuringShutdown]

    @Test("A noisy run with faults sees every late-stop race, and grades every failed job exactly")
    func realPoolReachesLateStops() async throws {
        let path = "/tmp/late-stop-test-\(getpid()).json"
        defer { unlink(path) }
        await #expect(processExitsWith: .success) { [path = path as String] in
            alarm(120)
            exit(StressDriver.main(arguments: ["--seconds", "12", "--seed", "22", "--profile", "noisy", "--threads", "2,3,4",
                                               "--faults", "0.1", "--quiet", "--json", path]))
        }
        let report = try JSONDecoder().decode(StressSummary.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let coverage = try #require(report.coverage)
        for race in Self.lateStopRaces {
            let row = try #require(coverage.rows.first { $0.race == race.rawValue })
            #expect(row.applicable && row.count > 0, "\(race.rawValue) never seen in 12 s")
        }
    }

    @Test("blind-publish traps on a stop between the check and the publish, within 5 seconds", .runsCanary)
    func blindPublishIsCaught() async {
        await expectDriverRun(["--variant", Canary.blindPublish.rawValue, "--seconds", "5",
                               "--threads", "2,3,4", "--faults", "0.3", "--noise", "1", "--quiet"],
                              endsAs: .failure, showing: ["Precondition failed: SequenceScheduler.start: the job word moved"])
    }
}

/// Boundary states in the stress driver: one pool in four starts its job sequence just below
/// the wrap, and one job in four sums to within one item of `UInt64.max`, so the canaries
/// whose wrap or overflow limit is one bit off (`wide-wrap`, `narrow-gather`) are caught
/// within seconds.
@Suite("Boundary states in stress", .serialized)
struct BoundaryStressTests {
    @Test("wide-wrap, whose sequence wraps at 2^32, stalls within seconds", .runsCanary)
    func wideWrapIsCaught() async {
        await expectDriverRun(["--variant", Canary.wideWrap.rawValue, "--seconds", "8", "--watchdog", "2",
                               "--threads", "2,3,4", "--faults", "0", "--noise", "0", "--quiet"],
                              endsAs: .exitCode(2), showing: ["STALL ("])
    }

    @Test("narrow-gather, whose gather overflows at 2^63, fails the first boundary job", .runsCanary)
    func narrowGatherIsCaught() async {
        await expectDriverRun(["--variant", Canary.narrowGather.rawValue, "--seconds", "5",
                               "--threads", "2,3,4", "--faults", "0", "--noise", "0", "--quiet"],
                              endsAs: .exitCode(1), showing: ["VIOLATION (invariant)", "job failed without an injected failure", "sum overflow"])
    }

    @Test("Boundary jobs: the weight keeps the total within UInt64.max and within one item of it", arguments: [UInt64(1), 2, 3, 7, 8, 9, 64, 511, 8192])
    func boundaryWeight(target: UInt64) {
        let weight = StressOracle.boundaryWeight(target: target)
        let (total, overflow) = StressOracle.prefixSum(target).multipliedReportingOverflow(by: weight)
        #expect(!overflow && total == StressOracle.total(target: target, weight: weight))
        #expect(UInt64.max - total < StressOracle.prefixSum(target), "a heavier item would still fit: the total is not at the limit")
        let shares = (0..<3).map { StressOracle.contribution(thread: $0, threadCount: 3, target: target, weight: weight) }
        #expect(shares.reduce(0, &+) == total)
    }
}
