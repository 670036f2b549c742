#!/usr/bin/env bash
# The ThreadSanitizer suite (docs/TSAN.md):
#   1. environment check (vm.mmap_rnd_bits);
#   2. TSan builds in their own scratch path;
#   3. `swift test --sanitize=thread`;
#   4. a TSan stress run of the real pool;
#   5. the proof: each ordering canary must make TSan report, and must be classified as an
#      ordering bug (its report disappears with force_seq_cst_atomics=1).
# Any TSan report on the real pool fails the run; each report is re-run with every atomic
# made seq_cst, to tell a memory-ordering bug from a plain race. A canary child's report
# (a test's `stress --variant` child, under reports/canary-child/) is listed, never counted.
# A failure of TSan's own runtime (a file without a report: "CHECK failed", ...) is its own
# verdict: the step is run once more, and only a second one fails the run. Ends with a
# one-line verdict that names every report file and its kind.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=tsan.sh
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

usage() {
    cat <<'EOF'
usage: scripts/tsan.sh [--stress-seconds S] [--canary-seconds S] [--seed N] [--help]

  --stress-seconds S  TSan stress run of the real pool (default $TSAN_STRESS_SECONDS or 60)
  --canary-seconds S  budget of each ordering canary run (default $TSAN_CANARY_SECONDS or 20);
                      a canary normally makes TSan report within a second or two
  --seed N            stress seed (default $TSAN_SEED or random, printed); replays the plan

Environment: TSAN_STRESS_SECONDS, TSAN_CANARY_SECONDS, TSAN_SEED, TSAN_SCRATCH_PATH
(.build-tsan), TSAN_RESULTS_DIR (results/tsan-<time>), TSAN_BUILD_TIMEOUT (1500 s),
TSAN_TEST_TIMEOUT (1200 s), TSAN_WATCHDOG_SECONDS (60: stress stall deadline under TSan),
TSAN_FIX_SYSCTL (1: lower vm.mmap_rnd_bits when root),
TSAN_EXTRA_OPTIONS (appended to TSAN_OPTIONS), TSAN_SWIFT_BACKTRACE (enable=no: Swift's
crash backtracer, which trips TSan's runtime; see docs/TSAN.md).
A short CI budget: TSAN_STRESS_SECONDS=20 TSAN_CANARY_SECONDS=10 scripts/tsan.sh

Exit: 0 clean; 1 TSan reported on the real pool; 2 a failure without a TSan report (build,
test, stress violation or stall, timeout); 3 the TSan proof failed (a canary went
unreported or was misclassified); 4 TSan's own runtime failed (CHECK failed, ...) in a
step and again in its retry; 64 usage error.
EOF
}
usage_error() { usage >&2; exit 64; }

stress_seconds=${TSAN_STRESS_SECONDS:-60}
canary_seconds=${TSAN_CANARY_SECONDS:-20}
seed=${TSAN_SEED:-}
build_timeout=${TSAN_BUILD_TIMEOUT:-1500}
test_timeout=${TSAN_TEST_TIMEOUT:-1200}
while [ $# -gt 0 ]; do
    case $1 in
        --stress-seconds) [ $# -ge 2 ] || usage_error; stress_seconds=$2; shift 2 ;;
        --canary-seconds) [ $# -ge 2 ] || usage_error; canary_seconds=$2; shift 2 ;;
        --seed) [ $# -ge 2 ] || usage_error; seed=$2; shift 2 ;;
        --help|-h) usage; exit 0 ;;
        *) printf 'tsan.sh: unknown argument "%s"\n' "$1" >&2; usage_error ;;
    esac
done
require_count "stress seconds" "$stress_seconds"
require_count "canary seconds" "$canary_seconds"
[ -n "$seed" ] || seed=$(( RANDOM << 30 | RANDOM << 15 | RANDOM ))
require_count "seed" "$seed"
results=${TSAN_RESULTS_DIR:-results/tsan-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$results/reports"
# Where a test's canary child (`stress --variant`) writes its TSan reports
# (Tests/StressTests/CanaryChild.swift): absolute, since the children may run elsewhere.
canary_child_reports=$(cd "$results/reports" && pwd)/canary-child

# The first failure decides the exit code; every finding goes into the verdict.
exit_code=0
findings=()
notes=()
record_failure() {
    local code=$1 text=$2
    [ "$exit_code" != 0 ] || exit_code=$code
    findings+=("$text")
    say "FAILED: $text" >&2
}

# Re-runs a case that TSan reported with every atomic treated as seq_cst. If the report
# disappears, some atomic was too weak (an ordering bug); if it stays, no atomic orders the
# accesses at all (a plain race). Only data races are classified: another kind of report
# (a lock-order inversion, a use after free) is named as it is. Sets `classification`.
classify_report() {
    local name=$1 limit=$2
    shift 2
    local prefix="$results/reports/$name-seq-cst" status=0 kind
    kind=$(tsan_report_kind "$results/reports/$name")
    if [ "$kind" != "data race" ]; then
        classification="$kind (not a data race: no seq_cst re-run)"
        say "$name: $classification"
        return 0
    fi
    say "re-running $name with force_seq_cst_atomics=1 to classify the report"
    run_under_tsan "$prefix" "$limit" "$results/$name-seq-cst.log" --seq-cst "$@" || status=$?
    if tsan_reported "$prefix"; then
        classification="plain race (the report stays with every atomic seq_cst: nothing orders these accesses)"
    elif tsan_runtime_failed "$prefix"; then
        # No report, but no clean run either: the disappearance proves nothing.
        show_runtime_failure "$prefix"
        classification="unclassified (TSan runtime failure in the seq_cst re-run, reports/$name-seq-cst.*)"
    else
        classification="memory-ordering bug (the report disappears with every atomic seq_cst: an atomic is too weak)"
        # The verdict is about TSan reports; a failure of another kind in the re-run is
        # reported beside it, not instead of it.
        [ "$status" = 0 ] || classification="$classification; the re-run itself exited $status, see $results/$name-seq-cst.log"
    fi
    say "$name: $classification"
}

# run_tsan_step NAME LIMIT COMMAND...: one step under TSan, its reports under reports/NAME.
# If it leaves a runtime failure and no report, the failure is shown and the step runs once
# more as NAME-retry. Sets step_name (the attempt whose results stand), step_status (its
# exit status) and step_runtime_failed (1 when the retry failed the same way).
run_tsan_step() {
    local name=$1 limit=$2
    shift 2
    step_name=$name step_status=0 step_runtime_failed=0
    run_under_tsan "$results/reports/$name" "$limit" "$results/$name.log" "$@" || step_status=$?
    tsan_runtime_failed "$results/reports/$name" && ! tsan_reported "$results/reports/$name" || return 0
    show_runtime_failure "$results/reports/$name"
    say "$name: TSan's own runtime failed (no report on our code): running the step once more"
    step_name=$name-retry step_status=0
    run_under_tsan "$results/reports/$step_name" "$limit" "$results/$step_name.log" "$@" || step_status=$?
    if tsan_runtime_failed "$results/reports/$step_name" && ! tsan_reported "$results/reports/$step_name"; then
        show_runtime_failure "$results/reports/$step_name"
        step_runtime_failed=1
    else
        notes+=("$name: a TSan runtime failure, gone on its retry")
    fi
}

# report_file_kind FILE: whose report a file under reports/ is, and what it holds.
report_file_kind() {
    local file=$1 name headline holds canary
    name=${file#"$results/reports/"}
    headline=$(tsan_headline "$file")
    holds=${headline:-TSan runtime failure}
    case $name in
        canary-child/*)
            if [ -n "$headline" ]; then echo "race in a canary child ($headline; not counted)"
            else echo "TSan runtime failure in a canary child (not counted)"; fi ;;
        *-seq-cst.*) echo "seq_cst re-run of ${name%-seq-cst.*} ($holds)" ;;
        canary-*)
            canary=${name%%.*} canary=${canary#canary-}
            if [ -n "$headline" ]; then echo "ordering canary $canary ($headline; expected)"
            else echo "TSan runtime failure (ordering canary $canary)"; fi ;;
        *) if [ -n "$headline" ]; then echo "race in the real pool ($headline)"; else echo "TSan runtime failure"; fi ;;
    esac
}

# Every report file of this run, each with its kind.
report_files_summary() {
    local file entries=()
    while IFS= read -r file; do
        entries+=("${file#"$results/reports/"}: $(report_file_kind "$file")")
    done < <(find "$results/reports" -type f | sort)
    if [ "${#entries[@]}" -eq 0 ]; then echo "report files: none"
    else printf 'report files: %s' "$(join_with '; ' "${entries[@]}")"; fi
}

# jobs/s from a stress JSON report, for the verdict ("?" if it cannot be read: the reason
# goes to stderr).
stress_throughput() {
    report_field "$stress_binary" "$1" jobsPerSecond || echo "?"
}

step "toolchain and environment"
find_swift
swift --version 2>&1 | head -1
check_tsan_environment
say "seed $seed, stress ${stress_seconds}s, canaries ${canary_seconds}s each, results in $results"

step "TSan builds (scratch path $TSAN_SCRATCH_PATH)"
build_ok=1
if ! timeout "$build_timeout" swift build --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --build-tests; then
    record_failure 2 "debug TSan build (with tests) failed or timed out"
    build_ok=0
fi
if ! timeout "$build_timeout" swift build -c release --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --product stress; then
    record_failure 2 "release TSan build of stress failed or timed out"
    build_ok=0
fi
stress_binary="$(swift build -c release --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --show-bin-path)/stress"

if [ "$build_ok" = 1 ]; then
    step "swift test --sanitize=thread"
    # Swift Testing prints "passed" even when TSan reported: only the exit code and the
    # report files tell (docs/PLATFORM.md, "Exit codes and halt_on_error").
    test_command=(swift test --sanitize=thread --scratch-path "$TSAN_SCRATCH_PATH" --skip-build)
    # Tests that start a canary child give it this folder for its reports (the seq_cst
    # re-run of a report too).
    export TSAN_CANARY_CHILD_REPORTS=$canary_child_reports
    run_tsan_step tests "$test_timeout" "${test_command[@]}"
    grep -E 'Test run with|Executed [0-9]+ tests' "$results/$step_name.log" | sed 's/^/    /' || true
    if tsan_reported "$results/reports/$step_name"; then
        show_tsan_report "$results/reports/$step_name"
        classify_report "$step_name" "$test_timeout" "${test_command[@]}"
        record_failure 1 "swift test: TSan reported a $classification"
    elif [ "$step_runtime_failed" = 1 ]; then
        record_failure 4 "swift test: TSan runtime failure, in the run and in its retry (reports/tests.*, reports/tests-retry.*): TSan's own failure, not a report on the pool"
    elif [ "$step_status" != 0 ]; then
        tail -n 40 "$results/$step_name.log" | sed 's/^/    /'
        record_failure 2 "swift test failed (exit $step_status) without a TSan report; log: $results/$step_name.log"
    else
        notes+=("tests clean")
    fi
    unset TSAN_CANARY_CHILD_REPORTS

    step "TSan stress run of the real pool: ${stress_seconds}s"
    stress_arguments=(--seconds "$stress_seconds" --seed "$seed" --watchdog "$TSAN_WATCHDOG_SECONDS" --quiet)
    started=$SECONDS
    run_tsan_step stress $((stress_seconds * 2 + 180)) \
        "$stress_binary" "${stress_arguments[@]}" --json "$results/stress-tsan.json"
    elapsed=$((SECONDS - started))
    tail -n 25 "$results/$step_name.log" | sed 's/^/    /'
    if tsan_reported "$results/reports/$step_name"; then
        show_tsan_report "$results/reports/$step_name"
        classify_report "$step_name" $((elapsed * 6 + 180)) "$stress_binary" --seconds $((elapsed * 3 + 10)) --seed "$seed" --watchdog "$TSAN_WATCHDOG_SECONDS" --quiet
        record_failure 1 "stress: TSan reported a $classification after ${elapsed}s (replay: TSAN_OPTIONS=halt_on_error=1 $stress_binary ${stress_arguments[*]})"
    elif [ "$step_runtime_failed" = 1 ]; then
        record_failure 4 "stress: TSan runtime failure, in the run and in its retry (reports/stress.*, reports/stress-retry.*): TSan's own failure, not a report on the pool"
    elif [ "$step_status" != 0 ]; then
        record_failure 2 "stress failed (exit $step_status) without a TSan report; log: $results/$step_name.log"
    else
        notes+=("stress ${stress_seconds}s clean at $(stress_throughput "$results/stress-tsan.json") jobs/s")
    fi

    step "the proof: each ordering canary must make TSan report"
    tsan_canaries "$stress_binary" || record_failure 3 "no ordering canary to prove TSan with"
    for variant in "${TSAN_CANARIES[@]}"; do
        name=canary-$variant detected=0
        run_tsan_canary "$stress_binary" "$variant" "$canary_seconds" "$seed" "$results/reports/$name" "$results/$name.log" && detected=1
        if [ "$detected" = 0 ] && tsan_runtime_failed "$results/reports/$name"; then
            show_runtime_failure "$results/reports/$name"
            say "canary $variant: TSan's own runtime failed (no report): running it once more"
            name=$name-retry
            run_tsan_canary "$stress_binary" "$variant" "$canary_seconds" "$seed" "$results/reports/$name" "$results/$name.log" && detected=1
        fi
        if [ "$detected" = 1 ]; then
            say "canary $variant: TSan reported a data race after ${canary_elapsed}s (exit $canary_status): detected"
            grep -h -m1 '^SUMMARY: ThreadSanitizer' "$results/reports/$name".* | sed 's/^/    /' || true
            classify_report "$name" $((canary_seconds * 2 + 120)) "$stress_binary" \
                --variant "$variant" --seconds "$canary_seconds" --seed "$seed" --watchdog "$TSAN_WATCHDOG_SECONDS" --quiet
            case $classification in
                memory-ordering*) notes+=("canary $variant reported in ${canary_elapsed}s and classified as an ordering bug") ;;
                unclassified*) record_failure 4 "canary $variant was reported but left $classification" ;;
                *) record_failure 3 "canary $variant was reported but classified as: $classification" ;;
            esac
        elif tsan_runtime_failed "$results/reports/$name"; then
            show_runtime_failure "$results/reports/$name"
            record_failure 4 "canary $variant: TSan runtime failure instead of a report, in the run and in its retry (reports/canary-$variant.*, reports/$name.*): TSan's own failure"
        else
            tail -n 15 "$results/$name.log" | sed 's/^/    /'
            record_failure 3 "canary $variant: no TSan data race within ${canary_seconds}s (exit $canary_status): TSan cannot see this ordering bug here"
        fi
    done
fi

echo
files=$(report_files_summary)
if [ "$exit_code" = 0 ]; then
    printf 'tsan.sh: PASS: %s; %s (seed %s; logs in %s)\n' "$(join_with '; ' "${notes[@]}")" "$files" "$seed" "$results"
else
    printf 'tsan.sh: FAIL (exit %s): %s; %s (seed %s; logs in %s)\n' "$exit_code" "$(join_with '; ' "${findings[@]}")" "$files" "$seed" "$results"
fi
exit "$exit_code"
