#define _GNU_SOURCE
#include "CPoolSupport.h"

#include <sched.h>
#include <sys/resource.h>

int cpool_available_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        return online > 0 ? (int)online : 1;
    }
    int count = CPU_COUNT(&set);
    return count > 0 ? count : 1;
}

int cpool_allowed_cpus(int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -errno;
    int written = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && written < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) cpus[written++] = cpu;
    }
    return written;
}

int cpool_pin_thread(pthread_t thread, int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(thread, sizeof(set), &set);
}

int cpool_timed_join(pthread_t thread, int64_t timeout_ns) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ns < 0) timeout_ns = 0;
    deadline.tv_sec += (time_t)(timeout_ns / 1000000000LL);
    deadline.tv_nsec += (long)(timeout_ns % 1000000000LL);
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec += 1; deadline.tv_nsec -= 1000000000L; }
    return pthread_timedjoin_np(thread, (void **)0, &deadline);
}

int64_t cpool_process_cpu_time_ns(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return -1;
    return ((int64_t)usage.ru_utime.tv_sec + (int64_t)usage.ru_stime.tv_sec) * 1000000000LL
         + ((int64_t)usage.ru_utime.tv_usec + (int64_t)usage.ru_stime.tv_usec) * 1000LL;
}

void cpool_set_thread_name(const char *name) {
    char truncated[16];
    size_t length = 0;
    while (name[length] != 0 && length < 15) { truncated[length] = name[length]; length++; }
    truncated[length] = 0;
    pthread_setname_np(pthread_self(), truncated);
}
