import Pool

/// One canary's entry in the registry (`Canary.entry`): the block it replaces and the broken
/// block's type, the steps type that carries the bug, the step, what it breaks, who must
/// catch it, who provably cannot, and how the stress self-test tunes its hunt.
///
/// Built by the constructor of its block (`futex`, `spinLock`, `sequence`, `slot`,
/// `threadPool`), which derives the broken block's type from the steps type, so that an
/// entry cannot name a scheduler of other steps than its own.
public struct CanaryEntry {
    public let block: Canary.Block
    public let stepsType: Any.Type
    package let schedulerType: (any InspectableScheduler.Type)?
    package let reducerType: (any InspectableReducer.Type)?
    package let shutdownSteps: (any ShutdownSteps.Type)?
    /// `Protocol.requirement` of the step replaced.
    public let brokenStep: String
    public let breaks: String
    public let detectors: [Canary.Detector]
    public let missedBy: [Canary.Detector]
    /// The stress self-test's flags; nil where stress does not hunt it.
    public let selfTestFlags: [String]?

    static func futex<Steps: FutexSteps>(_ steps: Steps.Type, step: String, breaks: String, detectors: [Canary.Detector],
                                         flags: [String]? = nil, missedBy: [Canary.Detector] = []) -> CanaryEntry {
        CanaryEntry(block: .futexScheduler, stepsType: steps, schedulerType: FutexSchedulerWith<Steps>.self, reducerType: nil,
                    shutdownSteps: nil, brokenStep: "FutexSteps." + step, breaks: breaks, detectors: detectors,
                    missedBy: missedBy, selfTestFlags: flags)
    }

    static func sequence<Steps: SequenceSteps>(_ steps: Steps.Type, step: String, breaks: String, detectors: [Canary.Detector],
                                               flags: [String]? = nil, missedBy: [Canary.Detector] = []) -> CanaryEntry {
        CanaryEntry(block: .sequenceScheduler, stepsType: steps, schedulerType: SequenceSchedulerWith<Steps>.self, reducerType: nil,
                    shutdownSteps: nil, brokenStep: "SequenceSteps." + step, breaks: breaks, detectors: detectors,
                    missedBy: missedBy, selfTestFlags: flags)
    }

    static func spinLock<Steps: SpinLockSteps>(_ steps: Steps.Type, step: String, breaks: String, detectors: [Canary.Detector],
                                               flags: [String]? = nil, missedBy: [Canary.Detector] = []) -> CanaryEntry {
        CanaryEntry(block: .spinLockReducer, stepsType: steps, schedulerType: nil, reducerType: SpinLockReducerWith<Steps>.self,
                    shutdownSteps: nil, brokenStep: "SpinLockSteps." + step, breaks: breaks, detectors: detectors,
                    missedBy: missedBy, selfTestFlags: flags)
    }

    static func slot<Steps: SlotSteps>(_ steps: Steps.Type, step: String, breaks: String, detectors: [Canary.Detector],
                                       flags: [String]? = nil, missedBy: [Canary.Detector] = []) -> CanaryEntry {
        CanaryEntry(block: .slotReducer, stepsType: steps, schedulerType: nil, reducerType: SlotReducerWith<Steps>.self,
                    shutdownSteps: nil, brokenStep: "SlotSteps." + step, breaks: breaks, detectors: detectors,
                    missedBy: missedBy, selfTestFlags: flags)
    }

    static func threadPool<Steps: ShutdownSteps>(_ steps: Steps.Type, step: String, breaks: String, detectors: [Canary.Detector],
                                                 flags: [String]? = nil, missedBy: [Canary.Detector] = []) -> CanaryEntry {
        CanaryEntry(block: .threadPool, stepsType: steps, schedulerType: nil, reducerType: nil, shutdownSteps: steps,
                    brokenStep: "ShutdownSteps." + step, breaks: breaks, detectors: detectors, missedBy: missedBy,
                    selfTestFlags: flags)
    }
}
