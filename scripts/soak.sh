#!/usr/bin/env bash
# The nightly soak (docs/TSAN.md): for SECONDS (default 600), run the stress self-test, then
# the stress driver in release and under ThreadSanitizer, write every JSON report to a
# results folder, and print one summary. Exits non-zero on anything found; 130 or 143 when
# SIGINT or SIGTERM stopped it (the summary is still written, and counts what ran).
#
#   scripts/soak.sh [SECONDS] [--seed-base N] [--scheduler sequence|basic|futex|all]
#                   [--reducer slot|spinlock|all] [--shard NAME] [--results DIR] [--require-coverage]
#   scripts/soak.sh --merge DIR... [--results DIR] [--require-coverage]
#                                                      one summary over several results folders
#   Either form with --check-args: validate the arguments, run nothing (exit 0, or 64).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=soak.sh
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

usage() {
    cat <<'EOF'
usage: scripts/soak.sh [SECONDS] [--seed-base N] [--scheduler sequence|basic|futex|all]
                       [--reducer slot|spinlock|all] [--shard NAME] [--results DIR] [--require-coverage]
       scripts/soak.sh --merge DIR... [--results DIR] [--require-coverage]

  SECONDS          total stress time (default 600; builds not included). The self-test runs
                   first (each canary up to 30 s, stopping at detection); what is left goes
                   60% to release stress and 40% to TSan stress, at least 10 s each.
  --seed-base N    first seed of this shard's range (default $SOAK_SEED_BASE or random).
                   Stress runs in segments of $SOAK_SEGMENT_SECONDS (default 120) s, each with
                   the next seed: N, N+1, ... The TSan segments reuse the same seeds, so the
                   two throughputs compare the same plans.
  --scheduler S    sequence (the shipped pool's), basic, futex or all (default $SOAK_SCHEDULER
                   or all)
  --reducer R      slot (the shipped pool's), spinlock or all (default $SOAK_REDUCER or all).
                   `--scheduler sequence --reducer slot` soaks exactly `CountingPool`'s blocks.
  --shard NAME     name of this shard (default $SOAK_SHARD or "local"); goes into the folder name
  --results DIR    results folder (default results/soak-<UTC time>-<shard>)
  --merge DIR...   combine the results folders of several shards (searched recursively)
                   into one summary; exits non-zero if any shard found anything or is incomplete
  --require-coverage
                   a protocol race (docs/PROTOCOL.md, "Protocol races") that some stress run
                   could exercise and none saw is a finding; the counts of every release and
                   TSan run (of every shard, with --merge) are summed first. Exit 4 when that
                   is the only finding. The nightly workflow merges its shards with it.
  --check-args     validate the arguments and exit 0 (or 64 with the usage), running nothing

Environment: SOAK_SEED_BASE, SOAK_SCHEDULER, SOAK_REDUCER, SOAK_SHARD, SOAK_SEGMENT_SECONDS,
SOAK_SELF_TEST=0 (skip the self-test), SOAK_REQUIRE_COVERAGE=1 (as --require-coverage),
plus TSAN_* of scripts/tsan.sh (TSAN_SCRATCH_PATH, TSAN_WATCHDOG_SECONDS, TSAN_FIX_SYSCTL).
Release builds go to .build-soak.
Exit: 0 clean; 1 something found (violation, stall, crash, leak, TSan report, surviving
canary, failed run); 4 only protocol races never seen (--require-coverage); 130 or 143
interrupted by SIGINT or SIGTERM: the run in progress stops after its jobs in progress and
reports, no later phase starts, and the summary is written (the interrupted run's jobs
count; --merge accepts the shard); 64 usage error.
EOF
}
usage_error() { usage >&2; exit 64; }

# The release build of stress, into .build-soak: the soak runs it, and its `stress summarize`
# reads the results folders. Sets release_binary.
build_release_stress() {
    timeout 1500 swift build -c release --scratch-path .build-soak --product stress || return
    release_binary="$(swift build -c release --scratch-path .build-soak --show-bin-path)/stress"
}

total_seconds=600
seed_base=${SOAK_SEED_BASE:-}
scheduler=${SOAK_SCHEDULER:-all}
reducer=${SOAK_REDUCER:-all}
shard=${SOAK_SHARD:-local}
results=""
segment_seconds=${SOAK_SEGMENT_SECONDS:-120}
merge_folders=()
merge_mode=0
check_only=0
coverage_flags=()
[ "${SOAK_REQUIRE_COVERAGE:-0}" = 1 ] && coverage_flags=(--require-coverage)
while [ $# -gt 0 ]; do
    case $1 in
        --seed-base) [ $# -ge 2 ] || usage_error; seed_base=$2; shift 2 ;;
        --scheduler) [ $# -ge 2 ] || usage_error; scheduler=$2; shift 2 ;;
        --reducer) [ $# -ge 2 ] || usage_error; reducer=$2; shift 2 ;;
        --shard) [ $# -ge 2 ] || usage_error; shard=$2; shift 2 ;;
        --results) [ $# -ge 2 ] || usage_error; results=$2; shift 2 ;;
        --merge) merge_mode=1; shift ;;
        --require-coverage) coverage_flags=(--require-coverage); shift ;;
        --check-args) check_only=1; shift ;;
        --help|-h) usage; exit 0 ;;
        -*) printf 'soak.sh: unknown option "%s"\n' "$1" >&2; usage_error ;;
        *)
            if [ "$merge_mode" = 1 ]; then
                merge_folders+=("$1")
            else
                require_count SECONDS "$1"
                total_seconds=$1
            fi
            shift ;;
    esac
done

if [ "$merge_mode" = 1 ]; then
    [ ${#merge_folders[@]} -gt 0 ] || { echo "soak.sh: --merge needs at least one results folder" >&2; usage_error; }
    [ "$check_only" = 0 ] || exit 0
    results=${results:-results/soak-merged-$(date -u +%Y%m%dT%H%M%SZ)}
    mkdir -p "$results"
    find_swift
    # The build log stays out of the summary (the nightly workflow shows this output).
    if ! build_release_stress >"$results/build.log" 2>&1; then
        tail -n 30 "$results/build.log" >&2
        say "the release build of stress failed (log: $results/build.log): no summary" >&2
        exit 1
    fi
    status=0
    "$release_binary" summarize --merge "${coverage_flags[@]}" --out "$results" "${merge_folders[@]}" || status=$?
    exit "$status"
fi

case $scheduler in sequence|basic|futex|all) ;; *) echo "soak.sh: --scheduler must be sequence, basic, futex or all, not \"$scheduler\"" >&2; usage_error ;; esac
case $reducer in slot|spinlock|all) ;; *) echo "soak.sh: --reducer must be slot, spinlock or all, not \"$reducer\"" >&2; usage_error ;; esac
[[ $shard =~ ^[A-Za-z0-9._-]+$ ]] || { echo "soak.sh: --shard must be letters, digits, '.', '_' or '-'" >&2; usage_error; }
require_count SOAK_SEGMENT_SECONDS "$segment_seconds"
[ "$segment_seconds" -ge 10 ] || { echo "soak.sh: SOAK_SEGMENT_SECONDS must be at least 10" >&2; usage_error; }
[ "$total_seconds" -ge 1 ] || { echo "soak.sh: SECONDS must be at least 1" >&2; usage_error; }
[ -n "$seed_base" ] || seed_base=$(( RANDOM << 30 | RANDOM << 15 | RANDOM ))
require_count "seed base" "$seed_base"
[ "$check_only" = 0 ] || exit 0
results=${results:-results/soak-$(date -u +%Y%m%dT%H%M%SZ)-$shard}
mkdir -p "$results/reports"
runs="$results/runs.tsv"

# One line per run, read by `stress summarize` (Sources/StressKit/Reports/SoakShard.swift):
# phase, seed, planned seconds, exit code, TSan report (yes/no/-), detail (the JSON report,
# or the canary's name), log; file names relative to the results folder, so that a
# downloaded artifact still reads.
printf 'phase\tseed\tseconds\texit\ttsan_report\tdetail\tlog\n' >"$runs"
record_run() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$runs"; }

step "toolchain, environment, builds"
find_swift
swift --version 2>&1 | head -1
check_tsan_environment
{
    printf 'shard=%s\nscheduler=%s\nreducer=%s\nseconds=%s\nseed_base=%s\nsegment_seconds=%s\n' \
        "$shard" "$scheduler" "$reducer" "$total_seconds" "$seed_base" "$segment_seconds"
    printf 'commit=%s\nstarted=%s\nhost_cpus=%s\n' "$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)"
    printf 'toolchain=%s\n' "$(swift --version 2>&1 | head -1)"
} >"$results/meta.env"
build_started=$SECONDS
build_release_stress
timeout 1500 swift build -c release --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --product stress
tsan_binary="$(swift build -c release --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --show-bin-path)/stress"
say "builds took $((SECONDS - build_started)) s (not counted in the ${total_seconds} s)"
say "shard $shard, scheduler $scheduler, reducer $reducer, seeds from $seed_base, results in $results"

# Interrupts (SIGINT; SIGTERM, which a CI timeout sends): the run in progress gets the
# signal (stress stops after its jobs in progress and writes its report, exit 130 or 143),
# no later phase starts, and the summary is written as usual: `stress summarize` counts the
# interrupted run's jobs and lists the interruption, which is not a finding.
interrupted=""
running_pid=""
on_interrupt() {
    [ -n "$interrupted" ] || interrupted=$1
    # The background job's children: `timeout`, which passes the signal on to stress.
    if [ -n "$running_pid" ]; then pkill "-$1" -P "$running_pid" 2>/dev/null || true; fi
}
trap 'on_interrupt INT' INT
trap 'on_interrupt TERM' TERM

# run_interruptible COMMAND...: runs COMMAND (a `timeout ...` command line, or a function
# that runs one) in a background subshell and returns its exit status. In the background,
# so that an interrupt reaches the trap at once: bash runs traps only between foreground
# commands. The subshell's no-op trap keeps it alive to record the status (a trap, unlike
# an ignored signal, is not inherited by the command it starts).
run_interruptible() {
    local status_file status
    status_file=$(mktemp)
    (
        trap : INT TERM
        status=0
        "$@" || status=$?
        echo "$status" >"$status_file"
    ) &
    running_pid=$!
    while kill -0 "$running_pid" 2>/dev/null; do wait "$running_pid" 2>/dev/null || true; done
    running_pid=""
    status=$(cat "$status_file")
    rm -f "$status_file"
    return "$status"
}

stress_started=$SECONDS
if [ "${SOAK_SELF_TEST:-1}" = 1 ]; then
    step "self-test: every canary the harness must catch (up to 30 s each)"
    status=0
    run_interruptible timeout --kill-after=30 900 "$release_binary" --self-test --seconds 30 --seed "$seed_base" \
        >"$results/self-test.log" 2>&1 || status=$?
    cat "$results/self-test.log"
    say "self-test took $((SECONDS - stress_started)) s (exit $status)"
    record_run self-test "$seed_base" 30 "$status" - - self-test.log
fi

# What is left after the self-test: 60% release, 40% TSan, at least 10 s each.
left=$(( total_seconds - (SECONDS - stress_started) ))
release_seconds=$(( left * 6 / 10 ))
[ "$release_seconds" -ge 10 ] || release_seconds=10
tsan_seconds=$(( left - release_seconds ))
[ "$tsan_seconds" -ge 10 ] || tsan_seconds=10

# run_segments PHASE SECONDS: stress in segments of at most segment_seconds, seeds from
# seed_base upwards; stops the phase at the first run that fails.
run_segments() {
    local phase=$1 remaining=$2 seed=$seed_base length status report json log prefix
    while [ "$remaining" -gt 0 ] && [ -z "$interrupted" ]; do
        length=$segment_seconds
        # No stub segment at the end: fold a short remainder into this one.
        [ $((remaining - length)) -ge 10 ] || length=$remaining
        json="$results/$phase-$seed.json"
        log="$results/$phase-$seed.log"
        status=0
        report=-
        if [ "$phase" = release ]; then
            run_interruptible timeout --kill-after=30 $((length + 120)) "$release_binary" --seconds "$length" --seed "$seed" \
                --scheduler "$scheduler" --reducer "$reducer" --json "$json" --quiet >"$log" 2>&1 || status=$?
        else
            prefix="$results/reports/tsan-$seed"
            run_interruptible run_under_tsan "$prefix" $((length * 2 + 180)) "$log" "$tsan_binary" --seconds "$length" \
                --seed "$seed" --scheduler "$scheduler" --reducer "$reducer" --watchdog "$TSAN_WATCHDOG_SECONDS" \
                --json "$json" --quiet || status=$?
            if tsan_reported "$prefix"; then report=yes; show_tsan_report "$prefix"; else report=no; fi
        fi
        record_run "$phase" "$seed" "$length" "$status" "$report" "${json##*/}" "${log##*/}"
        say "$phase: seed $seed, ${length} s: exit $status$([ "$report" = yes ] && echo ', TSan report')"
        if [ -n "$interrupted" ] && [ "$report" != yes ]; then
            say "$phase: interrupted by SIG$interrupted (the run reported what it ran: $json)"
            return 0
        fi
        if [ "$status" != 0 ] || [ "$report" = yes ]; then
            tail -n 30 "$log" | sed 's/^/    /'
            say "$phase: stopping this phase at the first failure (replay: stress --seed $seed --scheduler $scheduler --reducer $reducer)"
            return 0
        fi
        remaining=$((remaining - length))
        seed=$((seed + 1))
    done
}

[ -n "$interrupted" ] || step "release stress: ${release_seconds} s"
run_segments release "$release_seconds"

TSAN_CANARIES=()
if [ -z "$interrupted" ]; then
    step "TSan: the ordering canaries must be reported on this machine"
    # A clean TSan soak means something only if TSan sees a planted ordering bug here.
    if ! tsan_canaries "$tsan_binary"; then
        record_run tsan-canary "$seed_base" 0 1 no "registry" "-"
        TSAN_CANARIES=()
    fi
fi
for variant in "${TSAN_CANARIES[@]}"; do
    [ -z "$interrupted" ] || break
    prefix="$results/reports/canary-$variant"
    if run_tsan_canary "$tsan_binary" "$variant" 20 "$seed_base" "$prefix" "$results/tsan-canary-$variant.log"; then
        say "canary $variant: reported by TSan after ${canary_elapsed} s"
        record_run tsan-canary "$seed_base" 20 "$canary_status" yes "$variant" "tsan-canary-$variant.log"
    else
        say "canary $variant: NOT reported by TSan within 20 s (exit $canary_status)" >&2
        record_run tsan-canary "$seed_base" 20 "$canary_status" no "$variant" "tsan-canary-$variant.log"
    fi
done

[ -n "$interrupted" ] || step "TSan stress: ${tsan_seconds} s"
run_segments tsan "$tsan_seconds"

say "self-test and stress took $((SECONDS - stress_started)) s for a budget of ${total_seconds} s (the self-test may overrun a short budget: up to 30 s per canary)"
step "summary"
if [ -n "$interrupted" ]; then
    printf 'interrupted=SIG%s\n' "$interrupted" >>"$results/meta.env"
    summary_status=0
    "$release_binary" summarize "${coverage_flags[@]}" --out "$results" "$results" || summary_status=$?
    say "stopped by SIG$interrupted (summary exit $summary_status)"
    [ "$interrupted" = INT ] && exit 130
    exit 143
fi
"$release_binary" summarize "${coverage_flags[@]}" --out "$results" "$results"
