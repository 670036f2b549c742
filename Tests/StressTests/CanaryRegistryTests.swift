import Canaries
import Pool
import StressKit
import Testing

/// The canary registry is the one source of what each canary is: its name is the steps
/// type's name and the name in dumps, its block type exists and carries the bug, every canary
/// has someone to catch it, and `--list-canaries` prints all of it.
@Suite("Canary registry")
struct CanaryRegistryTests {
    /// "lost-wakeup" -> "LostWakeup".
    static func typeName(of canary: Canary) -> String {
        canary.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    @Test("One name: command line, steps type and dumps agree", arguments: Canary.allCases)
    func oneName(canary: Canary) throws {
        #expect(String(describing: canary.stepsType) == Self.typeName(of: canary))
        if canary.block == .threadPool {
            let shutdown = try #require(canary.shutdownSteps)
            #expect(canary.schedulerType == nil && canary.reducerType == nil)
            #expect(shutdown.variantName == canary.rawValue)
        } else if canary.block.isScheduler {
            let scheduler = try #require(canary.schedulerType)
            #expect(canary.reducerType == nil)
            #expect(scheduler.name == canary.rawValue)
        } else {
            let reducer = try #require(canary.reducerType)
            #expect(canary.schedulerType == nil)
            #expect(reducer.name == canary.rawValue)
        }
        if canary.block != .threadPool { #expect(canary.shutdownSteps == nil) }
        let steps: String
        switch canary.block {
        case .futexScheduler: steps = "FutexSteps."
        case .spinLockReducer: steps = "SpinLockSteps."
        case .sequenceScheduler: steps = "SequenceSteps."
        case .slotReducer: steps = "SlotSteps."
        case .threadPool: steps = "ShutdownSteps."
        }
        #expect(canary.brokenStep.hasPrefix(steps))
    }

    @Test("Every canary has a detector; the stress driver hunts exactly those it must catch", arguments: Canary.allCases)
    func detectors(canary: Canary) {
        #expect(!canary.detectors.isEmpty)
        #expect((canary.selfTestFlags != nil) == canary.detectors.contains(.stress))
        if canary.isThreadSanitizerOnly { #expect(canary.selfTestFlags == nil) }
        // The self-test's flags are flags the driver accepts.
        if let flags = canary.selfTestFlags { #expect(throws: Never.self) { try StressOptions.parse(flags) } }
    }

    @Test("The real blocks keep their own names")
    func realNames() {
        #expect(FutexScheduler.name == "futex")
        #expect(SpinLockReducer.name == "spinlock")
        #expect(SequenceScheduler.name == "sequence")
        #expect(SlotReducer.name == "slot")
        #expect(CorrectFutexSteps.variantName == nil && CorrectSpinLockSteps.variantName == nil)
        #expect(CorrectSequenceSteps.variantName == nil && CorrectSlotSteps.variantName == nil)
        #expect(CorrectShutdownSteps.variantName == nil && PoolConfiguration().shutdownSteps == CorrectShutdownSteps.self)
    }

    @Test("--list-canaries prints the registry: a header and one row per canary")
    func listing() throws {
        let rows = Canary.table.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.first?.first == "name")
        #expect(rows.dropFirst().map { String($0[0]) } == Canary.allCases.map(\.rawValue))
        #expect(rows.allSatisfy { $0.count == rows[0].count })
        #expect(try StressOptions.parse(["--list-canaries"]).listCanaries)
    }
}
