# shellcheck shell=bash disable=SC2034  # (variables here are read by the scripts that source it)
# Shared by scripts/tsan.sh and scripts/soak.sh: toolchain lookup, the ThreadSanitizer
# environment check, TSan options, running a command under TSan and reading its verdict,
# reading a field of a stress report.
# Source it from the repository root, with `set -euo pipefail` already on.

# Where TSan builds go (never the plain .build: a sanitized build invalidates it).
TSAN_SCRATCH_PATH=${TSAN_SCRATCH_PATH:-.build-tsan}

# Prefix for TSan processes: empty, or `setarch <arch> -R` when ASLR must be off (see below).
TSAN_LAUNCHER=()

say() { printf '%s: %s\n' "${SCRIPT_NAME:-script}" "$*"; }
# join_with SEPARATOR ITEM...: the items on one line.
join_with() {
    local separator=$1 first=${2:-}
    shift 2 || shift $#
    printf '%s' "$first" "${@/#/$separator}"
}
step() { printf '\n==> %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

# The Swift toolchain: on PATH, or at /opt/swift (where CI's machines install it).
find_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="$PATH:/opt/swift/usr/bin"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        say "no Swift toolchain found (expected Swift 6.3 on PATH or at /opt/swift)" >&2
        return 1
    fi
}

# A non-negative integer, or usage error.
require_count() {
    local name=$1 value=$2
    if ! [[ $value =~ ^[0-9]+$ ]]; then
        printf '%s: %s must be a non-negative integer, got "%s"\n' "${SCRIPT_NAME:-script}" "$name" "$value" >&2
        usage_error
    fi
}

# TSan maps its shadow memory at fixed addresses. With more than 28 bits of mmap
# randomisation (Ubuntu 24.04 kernels default to 32) a library can land inside them and TSan
# dies at start with "FATAL: ThreadSanitizer: unexpected memory mapping" (docs/PLATFORM.md,
# "Unexpected memory mapping").
# Fix order: lower the sysctl when we are root and may (TSAN_FIX_SYSCTL=0 forbids it);
# otherwise run TSan processes with ASLR off (`setarch -R`), which avoids the same layouts.
check_tsan_environment() {
    local bits_file=/proc/sys/vm/mmap_rnd_bits bits
    if [ ! -r "$bits_file" ]; then
        say "environment: $bits_file unreadable; assuming the kernel suits TSan"
        return 0
    fi
    bits=$(<"$bits_file")
    if [ "$bits" -le 28 ]; then
        say "environment: vm.mmap_rnd_bits=$bits (<= 28): fine for TSan"
        return 0
    fi
    say "environment: vm.mmap_rnd_bits=$bits is above 28: TSan may die with 'unexpected memory mapping'."
    say "environment: the fix (as root, until reboot): sysctl -w vm.mmap_rnd_bits=28"
    if [ "$(id -u)" = 0 ] && [ "${TSAN_FIX_SYSCTL:-1}" = 1 ]; then
        if { sysctl -w vm.mmap_rnd_bits=28 >/dev/null 2>&1 || echo 28 >"$bits_file"; } 2>/dev/null \
            && [ "$(<"$bits_file")" -le 28 ]; then
            say "environment: applied it: vm.mmap_rnd_bits $bits -> 28 (running as root; TSAN_FIX_SYSCTL=0 forbids this)"
            return 0
        fi
        say "environment: could not apply it (read-only /proc/sys: a container without --privileged?)"
    else
        say "environment: not applied (not root, or TSAN_FIX_SYSCTL=0)"
    fi
    if setarch "$(uname -m)" -R true 2>/dev/null; then
        TSAN_LAUNCHER=(setarch "$(uname -m)" -R)
        say "environment: running TSan processes with ASLR off instead (setarch -R)"
    else
        say "environment: setarch -R is not allowed here either; TSan may fail to start" >&2
    fi
}

# TSAN_OPTIONS for every sanitized process:
# - halt_on_error=1: stop at the first report, with the interleaving that caused it still
#   on screen, instead of piling up follow-on reports;
# - history_size=4: each thread remembers its last 2^(15+4) = 512 Ki memory accesses
#   (default 2: 128 Ki). When they are gone, TSan still reports but prints "failed to
#   restore the stack" for the earlier access, the one that tells which publication is
#   missing. In a long stress run the two accesses of a broken publication can be separated
#   by whole spin waits, episodes and pool churn; 4 gives 4x headroom for that at a measured
#   cost of ~4 MiB RSS (42 -> 46 MiB for an 8 s stress run). The canaries keep both stacks
#   even at 0 (12 of 12 reports), since they are caught within a job;
# - log_path: every process writes its report to its own file (<prefix>.<pid>), so a race
#   in a child process (a Swift Testing exit test, whose exit code the test may expect to be
#   a failure) is still found;
# - report_thread_leaks=0: threads left behind are the stress driver's own invariant (a
#   census of /proc/self/task after every pool is shut down) and the property tests'; the
#   stall canaries leave stuck workers on purpose, and TSan's leak check at exit (which it
#   runs even on _exit) would turn their exit code 2 into 66;
# - exitcode=66: TSan's default, spelled out because the verdict relies on it.
# TSAN_EXTRA_OPTIONS is appended (later options win).
tsan_options() {
    local report_prefix=$1
    printf 'halt_on_error=1 history_size=4 report_thread_leaks=0 exitcode=66 log_path=%s %s' \
        "$report_prefix" "${TSAN_EXTRA_OPTIONS:-}"
}

# Whether any report file under the prefix holds a ThreadSanitizer warning.
tsan_reported() {
    local report_prefix=$1
    compgen -G "$report_prefix.*" >/dev/null || return 1
    grep -qs 'WARNING: ThreadSanitizer' "$report_prefix".*
}

# tsan_headline FILE...: the kind of the first report in the files ("data race",
# "lock-order-inversion (potential deadlock)", ...); empty if they hold none.
tsan_headline() {
    grep -h -m1 'WARNING: ThreadSanitizer: ' "$@" 2>/dev/null | head -1 \
        | sed 's/.*WARNING: ThreadSanitizer: //; s/ (pid=[0-9]*)$//'
}

# The kind of the first report under the prefix.
tsan_report_kind() {
    tsan_headline "$1".*
}

# A file that TSan wrote without a report in it is a failure of TSan's own runtime
# ("ThreadSanitizer: CHECK failed: ...", "FATAL: ThreadSanitizer: ..."), not a finding on
# our code. Whether any file under the prefix is one.
tsan_runtime_failed() {
    local report_prefix=$1 file
    for file in "$report_prefix".*; do
        [ -f "$file" ] || continue
        grep -qs 'WARNING: ThreadSanitizer' "$file" || return 0
    done
    return 1
}

# Prints each runtime failure under the prefix: its file, its first line, and the first
# frames outside TSan's own runtime (the ones that say what our process was doing).
show_runtime_failure() {
    local report_prefix=$1 file
    for file in "$report_prefix".*; do
        [ -f "$file" ] || continue
        grep -qs 'WARNING: ThreadSanitizer' "$file" && continue
        say "TSan runtime failure (not a report) in $file:"
        head -n 1 "$file" | sed 's/^/    /'
        grep -E '^ *#[0-9]+ ' "$file" | grep -v '/compiler-rt/lib/' | head -n 8 | cut -c1-160 | sed 's/^/    /' || true
    done
}

# Prints the first report's headline and summary lines (the full report stays in its file).
show_tsan_report() {
    local report_prefix=$1 file
    for file in "$report_prefix".*; do
        [ -f "$file" ] || continue
        say "TSan report in $file:"
        grep -m1 -A12 'WARNING: ThreadSanitizer' "$file" | sed 's/^/    /'
        grep -m1 '^SUMMARY: ThreadSanitizer' "$file" | sed 's/^/    /' || true
        break
    done
}

# run_under_tsan REPORT_PREFIX TIMEOUT_SECONDS LOG_FILE [--seq-cst] COMMAND...
# Runs the command with TSan options, bounded by timeout, its output written to LOG_FILE.
# Returns the command's exit status (124/137 on timeout). With --seq-cst every atomic
# operation is treated as sequentially consistent (force_seq_cst_atomics=1).
run_under_tsan() {
    local report_prefix=$1 limit=$2 log_file=$3
    shift 3
    local options
    options=$(tsan_options "$report_prefix")
    if [ "${1:-}" = --seq-cst ]; then
        options="$options force_seq_cst_atomics=1"
        shift
    fi
    rm -f "$report_prefix".*
    mkdir -p "$(dirname "$report_prefix")"
    local status=0
    # SWIFT_BACKTRACE=enable=no: on a fatal signal (a trap, a crash canary, a test's own
    # signal) the Swift runtime's crash handler starts its backtracer with `clone`, from inside
    # the signal handler. TSan intercepts that `clone` as a fork; the new task shares the
    # crashed thread's memory and TSan state, both sides re-attach the same thread slot, and
    # TSan dies with "CHECK failed: tsan_rtl.cpp:261 ((!thr->slot)) != (0)" in ForkAfter
    # (every crash did, docs/TSAN.md, "TSan runtime failures"). Our own crash records
    # (the supervisor's report) and TSan's reports carry the stacks instead.
    # TSAN_SWIFT_BACKTRACE=enable=yes turns it back on, to reproduce that failure.
    SWIFT_BACKTRACE=${TSAN_SWIFT_BACKTRACE:-enable=no} TSAN_OPTIONS="$options" timeout --kill-after=30 "$limit" \
        ${TSAN_LAUNCHER[@]+"${TSAN_LAUNCHER[@]}"} "$@" >"$log_file" 2>&1 || status=$?
    return "$status"
}

# report_field STRESS_BINARY REPORT FIELD: one field of a stress --json report, read by the
# stress binary itself (`stress report-field`: the report's own type, any version), never by
# searching the JSON text. Fails with the reason on stderr if the report is missing,
# unreadable or has no such field. A TSan build is started as every TSan process is
# (TSAN_LAUNCHER: ASLR off where the kernel needs it).
report_field() {
    local binary=$1 report=$2 field=$3
    ${TSAN_LAUNCHER[@]+"${TSAN_LAUNCHER[@]}"} "$binary" report-field "$report" "$field"
}

# Stall deadline for stress under TSan: TSan slows protocol code 5-50x (docs/PLATFORM.md,
# "Slowdown"), and a stall verdict under TSan must mean a real stall, not instrumentation
# overhead.
TSAN_WATCHDOG_SECONDS=${TSAN_WATCHDOG_SECONDS:-60}

# tsan_canaries STRESS_BINARY: sets TSAN_CANARIES to the ordering canaries, the broken variants
# that only ThreadSanitizer can see, as the canary registry lists them (`stress
# --list-canaries`, column "tsan-only"): the registry is their one source. Fails if the
# registry lists none (a harness that proves nothing must not pass).
tsan_canaries() {
    local binary=$1 listing
    listing=$(${TSAN_LAUNCHER[@]+"${TSAN_LAUNCHER[@]}"} "$binary" --list-canaries) || return 1
    mapfile -t TSAN_CANARIES < <(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tsan-only") column = i; next }
                                             column && $column == "yes" { print $1 }' <<<"$listing")
    if [ "${#TSAN_CANARIES[@]}" -eq 0 ]; then
        say "the canary registry lists no ThreadSanitizer-only canary (stress --list-canaries)" >&2
        return 1
    fi
}

# run_tsan_canary STRESS_BINARY VARIANT SECONDS SEED REPORT_PREFIX LOG_FILE
# Runs one ordering canary under TSan. Succeeds when TSan reported a data race (the expected
# outcome); sets canary_elapsed (seconds) and canary_status (the process's exit code).
run_tsan_canary() {
    local binary=$1 variant=$2 seconds=$3 seed=$4 prefix=$5 log_file=$6
    local started=$SECONDS
    canary_status=0
    run_under_tsan "$prefix" $((seconds * 2 + 120)) "$log_file" \
        "$binary" --variant "$variant" --seconds "$seconds" --seed "$seed" \
        --watchdog "$TSAN_WATCHDOG_SECONDS" --quiet || canary_status=$?
    canary_elapsed=$((SECONDS - started))
    tsan_reported "$prefix" && grep -qs 'ThreadSanitizer: data race' "$prefix".*
}
