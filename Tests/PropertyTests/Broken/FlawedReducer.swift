import Pool
import Synchronization
import TestSupport

/// The defects `FlawedReducer` can carry, one at a time.
enum ReducerFlaw: String, Sendable {
    /// None: the control, showing the detectors accept a correct reducer that is not ours.
    case sound
    /// Every thread gets a total, not only the last one.
    case everyoneReceivesTotal
    /// Thread 1's contribution is lost.
    case dropsThreadOne
    /// Thread 1 decrements the count by 2: the count skips 0 or wraps below it.
    case decrementsTwice
    /// A sum beyond UInt64.max wraps silently instead of throwing `.overflow`.
    case wrapsOnOverflow
    /// The count is decremented and read with relaxed ordering: every value is right, but
    /// nothing orders the threads' writes before the total. Only ThreadSanitizer sees it.
    case relaxedPublication
}

/// Chooses the flaw at the type level (a reducer is built by its type: `init(threadCount:)`).
protocol ReducerFlawMarker { static var flaw: ReducerFlaw { get } }
enum SoundReduction: ReducerFlawMarker { static var flaw: ReducerFlaw { .sound } }
enum EveryoneReceivesTotal: ReducerFlawMarker { static var flaw: ReducerFlaw { .everyoneReceivesTotal } }
enum DropsThreadOne: ReducerFlawMarker { static var flaw: ReducerFlaw { .dropsThreadOne } }
enum DecrementsTwice: ReducerFlawMarker { static var flaw: ReducerFlaw { .decrementsTwice } }
enum WrapsOnOverflow: ReducerFlawMarker { static var flaw: ReducerFlaw { .wrapsOnOverflow } }
enum RelaxedPublication: ReducerFlawMarker { static var flaw: ReducerFlaw { .relaxedPublication } }

/// A deliberately small lock-free reducer with one switchable flaw, to prove that each
/// reducer detector fires. Never used outside the tests.
///
/// Sound version: the sum is a checked compare-exchange loop (relaxed), the count a
/// fetch-sub (acquire-release). The thread that takes the count to 0 received, through the
/// release sequence of every earlier fetch-sub, all the sums and writes made before them.
final class FlawedReducer<Flaw: ReducerFlawMarker>: ResultReducer {
    static var name: String { "flawed-\(Flaw.flaw.rawValue)" }

    private let sum = Atomic<UInt64>(0)
    private let remaining = Atomic<UInt32>(0)

    init(threadCount: Int, spinPolicy: SpinPolicy) {}

    func reset(threadCount: Int) {
        // relaxed: published by whatever publishes the job (the harness's releasing round
        // store, or the scheduler's start).
        sum.store(0, ordering: .relaxed)
        remaining.store(UInt32(threadCount), ordering: .relaxed)
    }

    func threadDone<Probe: PoolProbe>(contribution: UInt64, thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64? {
        let flaw = Flaw.flaw
        let added = flaw == .dropsThreadOne && thread == 1 ? 0 : contribution
        // relaxed: the count's fetch-sub below orders the sum for the last thread.
        var current = sum.load(ordering: .relaxed)
        while true {
            let (next, overflow) = current.addingReportingOverflow(added)
            if overflow && flaw != .wrapsOnOverflow {
                throw .overflow(ReductionOverflow(partialSum: current, contribution: added))
            }
            let (exchanged, original) = sum.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        let step: UInt32 = flaw == .decrementsTwice && thread == 1 ? 2 : 1
        let before: UInt32
        if flaw == .relaxedPublication {
            before = remaining.wrappingSubtract(step, ordering: .relaxed).oldValue
        } else {
            // acquire-release: release hands this thread's writes on; acquire collects
            // the earlier threads' writes if this one is last.
            before = remaining.wrappingSubtract(step, ordering: .acquiringAndReleasing).oldValue
        }
        let after = before &- step
        try probe.pass(.countDecremented, thread: thread, value: UInt64(after))
        if after == 0 {
            // relaxed: ordered by the fetch-sub above (coherence after happens-before).
            let total = sum.load(ordering: .relaxed)
            try probe.pass(.totalReceived, thread: thread, value: total)
            return total
        }
        if flaw == .everyoneReceivesTotal { return sum.load(ordering: .relaxed) }
        return nil
    }

    var isComplete: Bool {
        if Flaw.flaw == .relaxedPublication { return remaining.load(ordering: .relaxed) == 0 }
        // acquire: pairs with the last fetch-sub's release.
        return remaining.load(ordering: .acquiring) == 0
    }

    var result: UInt64 { sum.load(ordering: .relaxed) }

    var diagnostics: ReducerDiagnostics {
        ReducerDiagnostics(remainingThreads: remaining.load(ordering: .relaxed), locked: false)
    }
}

extension ReducerFlaw {
    /// The reducer type that carries this flaw.
    var reducerType: any ResultReducer.Type {
        switch self {
        case .sound: FlawedReducer<SoundReduction>.self
        case .everyoneReceivesTotal: FlawedReducer<EveryoneReceivesTotal>.self
        case .dropsThreadOne: FlawedReducer<DropsThreadOne>.self
        case .decrementsTwice: FlawedReducer<DecrementsTwice>.self
        case .wrapsOnOverflow: FlawedReducer<WrapsOnOverflow>.self
        case .relaxedPublication: FlawedReducer<RelaxedPublication>.self
        }
    }

    /// What the reducer harness must report for this flaw; nil where it must report nothing
    /// (the sound control) or where only ThreadSanitizer can tell (relaxed publication).
    var expectedFinding: Finding? {
        switch self {
        case .sound, .relaxedPublication: nil
        case .everyoneReceivesTotal: .totalNotExactlyOnce
        case .dropsThreadOne: .wrongResult
        case .decrementsTwice: .countUnderflow
        case .wrapsOnOverflow: .silentWrap
        }
    }
}
