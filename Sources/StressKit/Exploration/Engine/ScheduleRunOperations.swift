#if Exploration
import CPoolSupport
import Glibc
import Pool
import Synchronization

/// `ScheduleRun` as the pool sees it (`ExplorationController`): atomic operations through the
/// memory model, the futex model (waits, wakes, the kernel's compare), the spin model, plain
/// accesses for the race check, worker threads' start, exit and join.
extension ScheduleRun {
    // MARK: ExplorationController

    func willAccess(_ word: ExplorationWord, _ operation: AtomicOperationKind) {
        schedulingPoint(me, .access(operation, word.address))
    }

    func didAccess(_ access: AtomicAccessRecord) {
        let thread = me
        let address = access.word.address
        switch access.operation {
        case .load: break
        case .store: noteWrite(address)
        default: if let written = access.written, written != access.read { noteWrite(address) }
        }
        if model.isWeak && access.operation != .load {
            if let written = access.written {
                let readModifyWrite = access.operation != .store
                model.write(address, value: written, previous: (readModifyWrite ? access.read : access.previous) ?? written,
                            by: thread, ordering: access.orderingKind, readModifyWrite: readModifyWrite, step: decisions)
            } else if let read = access.read {
                model.failedUpdate(address, current: read, by: thread, ordering: access.orderingKind)
            }
        }
        noteRead(thread, access, newer: nil)
    }

    func didLoad(_ access: AtomicAccessRecord) -> UInt64 {
        guard model.isWeak, let current = access.read else {
            didAccess(access)
            return access.read ?? 0
        }
        let thread = me
        let (read, newer) = modelLoad(thread, access.word.address, current: current, ordering: access.orderingKind)
        var seen = access
        seen.read = read.value
        noteRead(thread, seen, newer: newer)
        return read.value
    }

    /// A spin check's read set, and the trace line of an access (`newer`: the latest store,
    /// when a load read an older one).
    func noteRead(_ thread: Int, _ access: AtomicAccessRecord, newer: StoreRecord?) {
        let address = access.word.address
        if threads[thread].inSpinCheck, let read = access.read, !threads[thread].readWords.contains(address) {
            threads[thread].readWords.append(address)
            threads[thread].readValues.append(read)
        }
        if settings.tracing {
            var detail: [String] = []
            if let read = access.read { detail.append("read \(read)") }
            if let newer { detail.append("the store of step \(newer.step) (\(newer.value)) was newer") }
            if let written = access.written { detail.append("wrote \(written)") }
            if access.operation == .compareExchange && access.written == nil { detail.append("failed") }
            record(thread, access.operation.rawValue, access.word.label, detail.joined(separator: ", ") + " (\(access.ordering))")
        }
    }

    func wordCreated(_ word: ExplorationWord) {
        model.forget(word.address)
    }

    func happensBefore(_ token: UInt) {
        guard model.isWeak else { return }
        model.release(token: token, by: me)
    }

    func happensAfter(_ token: UInt) {
        guard model.isWeak else { return }
        model.acquire(token: token, by: me)
    }

    func plainAccess(_ address: UInt, writes: Bool) {
        guard model.isWeak else { return }
        let thread = me
        let access = PlainMemoryRaceCheck.Access(thread: thread, event: model.plainEvent(thread), step: decisions, writes: writes)
        record(thread, writes ? "plain write" : "plain read", "0x" + String(address, radix: 16), "(race-checked, not a scheduling point)")
        if let race = races.check(address, access, clock: model.clocks[thread]) {
            fail(.dataRace, race, jobIndex: nil)
        }
    }

    func probePoint(_ point: ProbePoint, thread index: Int, value: UInt64) {
        let thread = me
        schedulingPoint(thread, .probe(point))
        if thread == 0 { stepsSinceProgress = 0 }
        threads[thread].passedProbe = true
        record(thread, "probe", "\(point)", "value \(value)")
    }

    func workerWillSpawn(thread: Int) {
        let creator = me
        precondition(thread > 0 && thread < Self.maximumThreads,
                     "stress --explore models at most \(Self.maximumThreads) threads; a pool spawns worker \(thread)")
        precondition(!threads[thread].isLive, "stress --explore: worker \(thread) spawned while the model's thread \(thread) is alive")
        threads[thread] = ControlledThread()
        threads[thread].status = .starting
        threads[thread].creator = creator
        pending[thread] = .none
        model.spawn(thread, by: creator)
        maximumLiveThreads = max(maximumLiveThreads, threads.count(where: \.isLive))
        record(creator, "spawn", "", "creates thread \(thread)")
    }

    func workerDidSpawn(thread: Int) {
        // The new thread runs alone up to its first scheduling point, then hands back.
        handOff(from: me, to: thread)
    }

    func workerDidStart(thread: Int) {
        setIdentity(thread)
        waitForBaton(thread)
    }

    func workerWillExit(thread: Int) {
        let thread = me
        flushProbeNotice(thread)
        let wasStarting = threads[thread].status == .starting
        threads[thread].status = .exited
        stepsSinceProgress = 0
        record(thread, "exit", "", "the thread ends")
        setIdentity(nil)
        if wasStarting {
            signal(threads[thread].creator)
            return
        }
        guard let choice = decide(thread, canContinue: false, yielding: false) else {
            setIdentity(thread)
            deadlock(at: thread)
        }
        switches += 1
        signal(choice.thread)
    }

    func willJoin(worker thread: Int) {
        let joiner = me
        flushProbeNotice(joiner)
        if threads[thread].status == .exited || threads[thread].status == .absent {
            model.synchronize(joiner, with: thread)
            record(joiner, "join", "", "thread \(thread) has exited")
            return
        }
        threads[joiner].status = .joining
        threads[joiner].joinTarget = thread
        record(joiner, "join", "", "waits for thread \(thread) to exit")
        block(joiner)
        threads[joiner].status = .ready
        model.synchronize(joiner, with: thread)
        record(joiner, "join", "", "thread \(thread) has exited")
    }

}
#endif
