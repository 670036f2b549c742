import CPoolSupport
import Glibc

/// The CPUs this process may run on, as `sched_getaffinity` reports them, and pinning.
///
/// The pool sizes itself from this, not from the number of online CPUs, so that it respects
/// `taskset`, cgroups cpusets and container limits.
public enum CPUAffinity {
    /// How many CPUs this process may run on; at least 1.
    public static var availableCPUCount: Int { Int(cpool_available_cpu_count()) }

    /// The CPU numbers this process may run on, ascending.
    public static func allowedCPUs() -> [Int] {
        let capacity = 4096
        var buffer = [Int32](repeating: 0, count: capacity)
        let written = buffer.withUnsafeMutableBufferPointer { cpool_allowed_cpus($0.baseAddress, Int32(capacity)) }
        guard written > 0 else { return [0] }
        return buffer.prefix(Int(written)).map(Int.init)
    }

    /// Pins the calling thread to one CPU. The pool pins its workers itself; use this to pin
    /// the caller (thread 0) too, on the CPU the pool left free for it.
    public static func pinCurrentThread(to cpu: Int) throws(PoolError) {
        let result = cpool_pin_thread(pthread_self(), Int32(cpu))
        if result != 0 { throw .pinningFailed(cpu: cpu, errno: result) }
    }
}
