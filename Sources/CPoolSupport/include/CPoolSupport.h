// The few calls Swift cannot make on its own: futex (syscall is variadic), CPU affinity
// (needs _GNU_SOURCE), the kernel thread id, a CPU pause hint and an optimisation barrier.
//
// The hot ones are `static inline` so that Swift's clang importer emits them into the
// calling module, where LLVM inlines them; the affinity and join helpers live in the .c
// file, which is compiled with _GNU_SOURCE.
#ifndef CPOOLSUPPORT_H
#define CPOOLSUPPORT_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/futex.h>

/// Blocks while `*address == expected`. The kernel re-checks the value under its own lock,
/// which is what makes "check, then sleep" immune to a wake that lands in between.
/// Returns 0 when woken (possibly spuriously), otherwise -1 with the errno value in *error
/// (EAGAIN: the value already differed; EINTR: a signal).
static inline int cpool_futex_wait(uint32_t *address, uint32_t expected, int *error) {
    long result = syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, expected, (void *)0, (void *)0, 0);
    if (result != 0) { *error = errno; return -1; }
    return 0;
}

/// Like `cpool_futex_wait`, but gives up after `timeout_ns` nanoseconds (ETIMEDOUT).
static inline int cpool_futex_wait_timeout(uint32_t *address, uint32_t expected, int64_t timeout_ns, int *error) {
    struct timespec timeout;
    if (timeout_ns < 0) timeout_ns = 0;
    timeout.tv_sec = (time_t)(timeout_ns / 1000000000LL);
    timeout.tv_nsec = (long)(timeout_ns % 1000000000LL);
    long result = syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, expected, &timeout, (void *)0, 0);
    if (result != 0) { *error = errno; return -1; }
    return 0;
}

/// Wakes up to `count` threads blocked on `address`. Returns how many were woken.
static inline int cpool_futex_wake(uint32_t *address, int count) {
    return (int)syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, count, (void *)0, (void *)0, 0);
}

/// The CPU's spin-wait hint: lets the sibling hyperthread run and saves power while spinning.
static inline void cpool_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#else
    // No pause hint on this CPU: a compiler barrier keeps the spin loop's loads in the loop.
    __asm__ __volatile__("" ::: "memory");
#endif
}

/// Returns `value` unchanged, but the optimiser cannot see through it: a counting loop that
/// passes its counter through this cannot be folded into one addition or vectorised.
/// It costs no instruction.
static inline uint64_t cpool_opaque(uint64_t value) {
    __asm__ __volatile__("" : "+r"(value));
    return value;
}

/// The kernel's id of the calling thread (what /proc/self/task lists).
static inline int32_t cpool_gettid(void) {
    return (int32_t)syscall(SYS_gettid);
}

/// Number of CPUs this process may run on (sched_getaffinity), at least 1.
int cpool_available_cpu_count(void);

/// Writes up to `capacity` CPU numbers this process may run on into `cpus`, in increasing
/// order. Returns how many were written, or -errno.
int cpool_allowed_cpus(int *cpus, int capacity);

/// Pins `thread` to the single CPU `cpu`. Returns 0 or an errno value.
int cpool_pin_thread(pthread_t thread, int cpu);

/// Joins `thread`, waiting at most `timeout_ns`. Returns 0, ETIMEDOUT, or another errno value.
int cpool_timed_join(pthread_t thread, int64_t timeout_ns);

/// Nanoseconds of user + system CPU time this process has used (getrusage).
int64_t cpool_process_cpu_time_ns(void);

/// Names the calling thread (at most 15 bytes are kept), for debuggers and `top -H`.
void cpool_set_thread_name(const char *name);

#endif
