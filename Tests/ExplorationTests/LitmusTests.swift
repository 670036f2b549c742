#if Exploration
import Pool
@testable import StressKit
import Synchronization
import Testing

/// The memory model against the C++20 outcome tables: each litmus test is explored
/// exhaustively (every interleaving, every store each load may read) and the set of outcomes
/// must be exactly the set the model allows, no more (a missing rule) and no fewer (a rule too
/// strong, or a load choice never offered).
///
/// Where the model forbids what C++20 allows, the expected set says so: load buffering
/// (RC11 forbids the po ∪ rf cycle, as we do) and 2+2W (the model's modification order is the
/// execution order of the stores, so the two threads' stores cannot be ordered against each
/// other both ways).
@Suite("Exploration: litmus tests of the memory model", .serialized)
struct LitmusTests {
    /// The orderings a litmus test runs under: its stores, loads and RMWs all take the
    /// ordering of the row (the data accesses of MP and of the release sequence stay relaxed).
    enum Orderings: String, CaseIterable, CustomTestStringConvertible {
        case relaxed, releaseAcquire = "release/acquire", sequentiallyConsistent = "seq_cst"

        // The orderings are compile-time constants: one call per case.
        func store(_ word: PaddedAtomic<UInt32>, _ value: UInt32) {
            switch self {
            case .relaxed: word.store(value, ordering: .relaxed)
            case .releaseAcquire: word.store(value, ordering: .releasing)
            case .sequentiallyConsistent: word.store(value, ordering: .sequentiallyConsistent)
            }
        }

        func load(_ word: PaddedAtomic<UInt32>) -> UInt32 {
            switch self {
            case .relaxed: word.load(ordering: .relaxed)
            case .releaseAcquire: word.load(ordering: .acquiring)
            case .sequentiallyConsistent: word.load(ordering: .sequentiallyConsistent)
            }
        }

        func add(_ word: PaddedAtomic<UInt32>, _ value: UInt32) -> UInt32 {
            switch self {
            case .relaxed: word.wrappingAdd(value, ordering: .relaxed)
            case .releaseAcquire: word.wrappingAdd(value, ordering: .acquiringAndReleasing)
            case .sequentiallyConsistent: word.wrappingAdd(value, ordering: .sequentiallyConsistent)
            }
        }

        var testDescription: String { rawValue }
    }

    /// One litmus test: its threads (1 ... n; thread 0 creates them, joins them and reads the
    /// outcome), and what each ordering allows.
    struct Litmus: Sendable, CustomTestStringConvertible {
        var name: String
        var threads: @Sendable (Words, Orderings, Registers) -> [@Sendable () -> Void]
        /// The outcome text: the registers (and final values) the test reports.
        var outcome: @Sendable (Words, Registers) -> String
        var allowed: @Sendable (Orderings) -> Set<String>

        var testDescription: String { name }
    }

    /// Registers the threads write: one controlled thread runs at a time, and the baton
    /// orders the hand-offs (plain memory is safe here).
    final class Registers: @unchecked Sendable {
        var values = [UInt32](repeating: 9, count: 4)
        subscript(index: Int) -> UInt32 {
            get { values[index] }
            set { values[index] = newValue }
        }
    }

    static func text(_ registers: Registers, _ indices: Int...) -> String {
        indices.map { String(registers[$0]) }.joined()
    }

    /// Every outcome of four registers of 0 or 1: "0000" ... "1111".
    static let fourRegisters: Set<String> = {
        var outcomes: Set<String> = []
        for value in 0..<16 {
            var text = ""
            for bit in (0..<4).reversed() { text += (value >> bit) & 1 == 1 ? "1" : "0" }
            outcomes.insert(text)
        }
        return outcomes
    }()

    static let all: [Litmus] = [
        // Message passing: flag = 1, data = 0 means the flag's store did not publish the data.
        Litmus(name: "MP", threads: { words, orderings, registers in [
            { words.second.store(1, ordering: .relaxed); orderings.store(words.first, 1) },
            {
                registers[0] = orderings.load(words.first)
                registers[1] = words.second.load(ordering: .relaxed)
            },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1) }, allowed: { orderings in
            orderings == .relaxed ? ["00", "01", "10", "11"] : ["00", "01", "11"]
        }),
        // Store buffering: both loads read 0 only without seq_cst.
        Litmus(name: "SB", threads: { words, orderings, registers in [
            { orderings.store(words.first, 1); registers[0] = orderings.load(words.second) },
            { orderings.store(words.second, 1); registers[1] = orderings.load(words.first) },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1) }, allowed: { orderings in
            orderings == .sequentiallyConsistent ? ["01", "10", "11"] : ["00", "01", "10", "11"]
        }),
        // Load buffering: 11 needs each load to read the other thread's later store. C++20
        // allows it for relaxed; RC11 and this model forbid it (no load reads a store not yet
        // executed).
        Litmus(name: "LB", threads: { words, orderings, registers in [
            { registers[0] = orderings.load(words.first); orderings.store(words.second, 1) },
            { registers[1] = orderings.load(words.second); orderings.store(words.first, 1) },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1) }, allowed: { _ in ["00", "01", "10"] }),
        // Independent reads of independent writes: the readers disagree on the order of the
        // two writes (1010) only without seq_cst.
        Litmus(name: "IRIW", threads: { words, orderings, registers in [
            { orderings.store(words.first, 1) },
            { orderings.store(words.second, 1) },
            {
                registers[0] = orderings.load(words.first)
                registers[1] = orderings.load(words.second)
            },
            {
                registers[2] = orderings.load(words.second)
                registers[3] = orderings.load(words.first)
            },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1, 2, 3) }, allowed: { orderings in
            orderings == .sequentiallyConsistent ? Self.fourRegisters.subtracting(["1010"]) : Self.fourRegisters
        }),
        // 2+2W, the final values: 11 would need x: 2 before 1 and y: 2 before 1. C++20 allows
        // it without seq_cst; this model's modification order (execution order) does not.
        Litmus(name: "2+2W", threads: { words, orderings, _ in [
            { orderings.store(words.first, 1); orderings.store(words.second, 2) },
            { orderings.store(words.second, 1); orderings.store(words.first, 2) },
        ] }, outcome: { words, _ in "\(words.first.load(ordering: .relaxed))\(words.second.load(ordering: .relaxed))" },
           allowed: { _ in ["12", "21", "22"] }),
        // Coherence read-read: a thread that read the new value never reads the old one after.
        Litmus(name: "CoRR", threads: { words, orderings, registers in [
            { orderings.store(words.first, 1) },
            {
                registers[0] = orderings.load(words.first)
                registers[1] = orderings.load(words.first)
            },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1) }, allowed: { _ in ["00", "01", "11"] }),
        // Coherence write-read: a thread reads its own store or a later one, never older.
        Litmus(name: "CoWR", threads: { words, orderings, registers in [
            { orderings.store(words.first, 1); registers[0] = orderings.load(words.first) },
            { orderings.store(words.first, 2) },
        ] }, outcome: { words, registers in LitmusTests.text(registers, 0) + "\(words.first.load(ordering: .relaxed))" },
           allowed: { _ in ["11", "12", "22"] }),
        // Coherence read-write: a load never reads a store that comes after its own thread's
        // later store in modification order (22).
        Litmus(name: "CoRW", threads: { words, orderings, registers in [
            { registers[0] = orderings.load(words.first); orderings.store(words.first, 1) },
            { orderings.store(words.first, 2) },
        ] }, outcome: { words, registers in LitmusTests.text(registers, 0) + "\(words.first.load(ordering: .relaxed))" },
           allowed: { _ in ["01", "02", "21"] }),
        // Coherence write-write: two stores of one thread keep their order for every reader.
        Litmus(name: "CoWW", threads: { words, orderings, registers in [
            { orderings.store(words.first, 1); orderings.store(words.first, 2) },
            {
                registers[0] = orderings.load(words.first)
                registers[1] = orderings.load(words.first)
            },
        ] }, outcome: { words, registers in LitmusTests.text(registers, 0, 1) + "\(words.first.load(ordering: .relaxed))" },
           allowed: { _ in ["002", "012", "022", "112", "122", "222"] }),
        // RMW atomicity: two increments never read the same value.
        Litmus(name: "RMW atomicity", threads: { words, orderings, registers in [
            { registers[0] = orderings.add(words.first, 1) },
            { registers[1] = orderings.add(words.first, 1) },
        ] }, outcome: { words, registers in LitmusTests.text(registers, 0, 1) + "\(words.first.load(ordering: .relaxed))" },
           allowed: { _ in ["012", "102"] }),
        // Release sequence: thread 1 writes data then stores 2 to the flag; thread 2 adds 1 to
        // the flag (relaxed RMW); thread 3 reads the flag, then the data. Reading 3 (the RMW
        // that read the store of 2) synchronizes with thread 1 as reading 2 does: the RMW
        // continues the release sequence. Relaxed, nothing synchronizes.
        Litmus(name: "release sequence", threads: { words, orderings, registers in [
            { words.second.store(1, ordering: .relaxed); orderings.store(words.first, 2) },
            { _ = words.first.wrappingAdd(1, ordering: .relaxed) },
            {
                registers[0] = orderings.load(words.first)
                registers[1] = words.second.load(ordering: .relaxed)
            },
        ] }, outcome: { _, registers in LitmusTests.text(registers, 0, 1) }, allowed: { orderings in
            let synchronized: Set<String> = ["00", "01", "10", "11", "21", "31"]
            return orderings == .relaxed ? synchronized.union(["20", "30"]) : synchronized
        }),
    ]

    /// Creates a controlled thread per body (numbered from `first`), then joins them all.
    static func spawnAndJoin(_ bodies: ArraySlice<@Sendable () -> Void>, first index: Int) {
        guard let body = bodies.first else { return }
        let thread = ControlledThread(index, body)
        spawnAndJoin(bodies.dropFirst(), first: index + 1)
        thread.join()
    }

    /// Every outcome of `litmus` under `orderings` and `model`, over every schedule.
    static func outcomes(_ litmus: Litmus, _ orderings: Orderings, model: MemoryModelKind = .c11) -> (Set<String>, [ExplorationFinding]) {
        let words = Words()
        defer { words.deallocate() }
        let registers = Registers()
        let seen = Outcomes()
        let body: @Sendable () -> Void = {
            words.reset()
            registers.values = [9, 9, 9, 9]
            Self.spawnAndJoin(litmus.threads(words, orderings, registers)[...], first: 1)
            seen.append(litmus.outcome(words, registers))
        }
        let (_, findings) = ExplorationHarness.countSchedules(bound: 20, staleReads: 4, memoryModel: model, body)
        return (Set(seen.values), findings)
    }

    @Test("Each litmus test gives exactly the outcomes the model allows",
          arguments: all, Orderings.allCases)
    func outcomes(litmus: Litmus, orderings: Orderings) {
        ExplorationHarness.lock.withLock { _ in
            let (outcomes, findings) = Self.outcomes(litmus, orderings)
            #expect(findings.isEmpty)
            #expect(outcomes == litmus.allowed(orderings),
                    "\(litmus.name) \(orderings.rawValue): extra \(outcomes.subtracting(litmus.allowed(orderings)).sorted()), missing \(litmus.allowed(orderings).subtracting(outcomes).sorted())")
        }
    }

    @Test("Sequential consistency (--memory-model sc) shows none of the weak outcomes")
    func sequentialConsistency() {
        ExplorationHarness.lock.withLock { _ in
            let (storeBuffering, _) = Self.outcomes(Self.all[1], .relaxed, model: .sc)
            #expect(storeBuffering == ["01", "10", "11"])
            let (messagePassing, _) = Self.outcomes(Self.all[0], .relaxed, model: .sc)
            #expect(messagePassing == ["00", "01", "11"])
        }
    }
}
#endif
