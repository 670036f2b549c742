/// Reports exactly as stress 1.0.0 wrote them (hand-built JSON, before `schemaVersion`),
/// captured from real runs. New code must keep reading them.
enum LegacyReportFixtures {
    /// `stress --seconds 2 --seed 18446744073709551615 --quiet --json PATH` (passed).
    static let passed = #"""
{
  "version": "1.0.0",
  "seed": 18446744073709551615,
  "planDigest": "0xa4a92da92cc83f26",
  "variant": null,
  "verdict": "passed",
  "exitCode": 0,
  "message": "no violation",
  "episode": null,
  "jobIndex": null,
  "replay": null,
  "plannedSeconds": 2.0,
  "elapsedSeconds": 2.005,
  "jobs": 12819,
  "jobsPerSecond": 6393,
  "episodes": 52,
  "poolsCreated": 138,
  "faultsInjected": 146,
  "faultsNotReached": 92,
  "stopsPropagated": 87,
  "perConfiguration": [{"scheduler": "basic", "threads": 1, "jobs": 1716}, {"scheduler": "basic", "threads": 2, "jobs": 1867}, {"scheduler": "basic", "threads": 3, "jobs": 844}, {"scheduler": "basic", "threads": 4, "jobs": 1754}, {"scheduler": "futex", "threads": 1, "jobs": 2423}, {"scheduler": "futex", "threads": 2, "jobs": 863}, {"scheduler": "futex", "threads": 3, "jobs": 1486}, {"scheduler": "futex", "threads": 4, "jobs": 1866}],
  "faults": [{"kind": "throw-in-share", "point": "share", "count": 52}, {"kind": "throw-at-point", "point": "before park", "count": 2}, {"kind": "throw-at-point", "point": "after wake", "count": 1}, {"kind": "throw-at-point", "point": "task claimed", "count": 1}, {"kind": "throw-at-point", "point": "job started", "count": 1}, {"kind": "throw-at-point", "point": "share done", "count": 12}, {"kind": "throw-at-point", "point": "all tasks claimed", "count": 2}, {"kind": "throw-at-point", "point": "before merge", "count": 3}, {"kind": "throw-at-point", "point": "lock taken", "count": 3}, {"kind": "throw-at-point", "point": "count decremented", "count": 2}, {"kind": "throw-at-point", "point": "lock releasing", "count": 8}, {"kind": "long-stall", "point": "after wake", "count": 3}, {"kind": "long-stall", "point": "task claimed", "count": 2}, {"kind": "long-stall", "point": "job started", "count": 2}, {"kind": "long-stall", "point": "share done", "count": 7}, {"kind": "long-stall", "point": "before merge", "count": 3}, {"kind": "long-stall", "point": "lock taken", "count": 2}, {"kind": "long-stall", "point": "count decremented", "count": 4}, {"kind": "long-stall", "point": "lock releasing", "count": 3}, {"kind": "spurious-wake", "point": "after wake", "count": 2}, {"kind": "spurious-wake", "point": "task claimed", "count": 4}, {"kind": "spurious-wake", "point": "job started", "count": 3}, {"kind": "spurious-wake", "point": "share done", "count": 5}, {"kind": "spurious-wake", "point": "all tasks claimed", "count": 3}, {"kind": "spurious-wake", "point": "before merge", "count": 6}, {"kind": "spurious-wake", "point": "lock taken", "count": 2}, {"kind": "spurious-wake", "point": "count decremented", "count": 4}, {"kind": "spurious-wake", "point": "lock releasing", "count": 4}],
  "latencyNanoseconds": {"p50": 14336, "p90": 327680, "p99": 5242880, "p99.9": 25165824, "max": 29130511},
  "violations": 0,
  "confidence": "0 failures in 12819 jobs: failure rate < 3/12819 = 2.3e-4 at 95%"
}
"""#

    /// `stress --variant late-unlock --seconds 30 --seed 7 --threads 3,4 --noise 3 --quiet --json PATH`
    /// (a violation, with episode, job index and replay command).
    static let violation = #"""
{
  "version": "1.0.0",
  "seed": 7,
  "planDigest": "0xe0202f124d61f235",
  "variant": "late-unlock",
  "verdict": "invariant",
  "exitCode": 1,
  "message": "thread 1 releases the reducer lock, but nobody holds it",
  "episode": 1,
  "jobIndex": 1,
  "replay": "stress --seed 7 --threads 3,4 --faults 0.02 --noise 3 --watchdog 10.0 --variant late-unlock --from-episode 1",
  "plannedSeconds": 30.0,
  "elapsedSeconds": 0.001,
  "jobs": 1,
  "jobsPerSecond": 1143,
  "episodes": 2,
  "poolsCreated": 2,
  "faultsInjected": 0,
  "faultsNotReached": 0,
  "stopsPropagated": 0,
  "perConfiguration": [{"scheduler": "futex", "threads": 3, "jobs": 1}],
  "faults": [],
  "latencyNanoseconds": {"p50": 393216, "p90": 393216, "p99": 393216, "p99.9": 393216, "max": 378135},
  "violations": 1,
  "confidence": "1 failure in 1 jobs: see above"
}
"""#

    /// The text summary stress 1.0.0 printed at the end of the run that wrote `passed`.
    static let passedText = #"""
stress 1.0.0: seed 18446744073709551615, plan digest 0xa4a92da92cc83f26
verdict: passed (exit 0)
jobs: 12819 in 2.005 s = 6393 jobs/s; episodes 52, pools created 138
per scheduler and thread count:
  basic x1: 1716 jobs
  basic x2: 1867 jobs
  basic x3: 844 jobs
  basic x4: 1754 jobs
  futex x1: 2423 jobs
  futex x2: 863 jobs
  futex x3: 1486 jobs
  futex x4: 1866 jobs
faults injected: 146 (armed but not reached: 92)
  throw-in-share at share: 52
  throw-at-point at before park: 2
  throw-at-point at after wake: 1
  throw-at-point at task claimed: 1
  throw-at-point at job started: 1
  throw-at-point at share done: 12
  throw-at-point at all tasks claimed: 2
  throw-at-point at before merge: 3
  throw-at-point at lock taken: 3
  throw-at-point at count decremented: 2
  throw-at-point at lock releasing: 8
  long-stall at after wake: 3
  long-stall at task claimed: 2
  long-stall at job started: 2
  long-stall at share done: 7
  long-stall at before merge: 3
  long-stall at lock taken: 2
  long-stall at count decremented: 4
  long-stall at lock releasing: 3
  spurious-wake at after wake: 2
  spurious-wake at task claimed: 4
  spurious-wake at job started: 3
  spurious-wake at share done: 5
  spurious-wake at all tasks claimed: 3
  spurious-wake at before merge: 6
  spurious-wake at lock taken: 2
  spurious-wake at count decremented: 4
  spurious-wake at lock releasing: 4
stops propagated: 87
latency: p50 14 µs, p90 327 µs, p99 5242 µs, p99.9 0.025 s, max 0.029 s
violations: 0
0 failures in 12819 jobs: failure rate < 3/12819 = 2.3e-4 at 95%
"""#
}
