#!/usr/bin/env bash
# Shows from the generated code that the default probe (NoProbe) costs nothing in release
# builds: the pool's code specialised for NoProbe contains no call to any probe `reach`,
# while the same code specialised for the bench's CallProbe (a non-inlined probe) does.
# The CallProbe half is the canary: if the scan found no call there, it could not find one
# anywhere, and the script fails.
#
# Second check: the standard pool's caller path (`runOnPool` and the slot reducer's
# `waitForTotal`, specialised for CountingPool's blocks and NoProbe) makes no call to
# swift_retain or swift_release: a reference count is a write to a shared object's line, one
# more cache-line transfer per job (docs/PROTOCOL.md, "Cache lines per job"). Its canary:
# `PoolCore.fail`, which stores an error, must show retains to the same scan.
#
# usage: scripts/probe-cost.sh [path/to/release/bench]
#   default: builds the bench in release with --scratch-path .build-bench.
# Exit 0: claim shown. Exit 1: a NoProbe specialisation calls reach, or the canary did not fire.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-}
if [[ -z "$binary" ]]; then
    swift build -c release --product bench --scratch-path .build-bench >&2
    binary=.build-bench/release/bench
fi
for tool in objdump swift; do
    command -v "$tool" >/dev/null || { echo "probe-cost: needs $tool on PATH" >&2; exit 1; }
done
[[ -x "$binary" ]] || { echo "probe-cost: no executable at $binary" >&2; exit 1; }

listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
# One line per function ("FUNC name") and per call ("CALL target"); indirect calls are
# "CALL *register", which cannot be a specialised probe.
objdump -d --no-show-raw-insn "$binary" \
    | awk '/^[0-9a-f]+ <.*>:$/ { name = $2; gsub(/[<>:]/, "", name); print "FUNC " name; next }
           /\tcall / { target = $NF; gsub(/[<>]/, "", target); print "CALL " target }' \
    | swift demangle > "$listing"

# For each specialised function of the pool's job path: its name, and its calls to `reach`.
report() {  # $1: the probe type's name
    awk -v probe="$1" '
        /^FUNC / { current = substr($0, 6)
                   keep = (current ~ /specialization/ && index(current, probe) > 0 &&
                           current ~ /(workerMain|ThreadPool\.run|measureHere|waitForTask|waitForStarted|threadDone|waitForTotal|finishLastWithoutLock|start\(target|contribution|merge)/)
                   if (keep) { functions++; print "  " substr(current, 1, 150) }
                   next }
        /^CALL / && keep { calls++; if ($0 ~ /reach\(/) { reaches++; print "      calls " substr($0, 6, 120) } }
        END { printf "  => %d functions, %d calls in them, REACH_CALLS=%d\n", functions, calls, reaches + 0 }' "$listing"
}
reach_calls() { grep -o 'REACH_CALLS=[0-9]*' <<<"$1" | cut -d= -f2; }
function_count() { grep -o '=> [0-9]* functions' <<<"$1" | grep -o '[0-9]*'; }

no_probe=$(report NoProbe)
call_probe=$(report CallProbe)
echo "NoProbe specialisations of the pool's job path in $binary:"
echo "$no_probe"
echo
echo "CallProbe specialisations (the canary: these must call reach):"
echo "$call_probe"
echo
# The generic, unspecialised worker loop (used by pools built through the generic
# initialiser while PoolCore.workerMain is not @inlinable) reaches probes through witness
# tables: indirect calls that the scan above cannot attribute. Counted for the record.
generic_indirect=$(awk '/^FUNC / { keep = ($0 == "FUNC Pool.PoolCore.workerMain(thread: Swift.Int) -> ()") ; next }
                        /^CALL \*/ && keep { n++ } END { print n + 0 }' "$listing")
echo "unspecialised Pool.PoolCore.workerMain(thread:): $generic_indirect indirect calls (witness-table calls, probes included)"

# Retains and releases in the functions whose names match $1 (an awk regular expression).
refcounts() {
    awk -v pattern="$1" '
        /^FUNC / { keep = (substr($0, 6) ~ pattern); if (keep) functions++; next }
        /^CALL / && keep && /swift_(retain|release)/ { calls++; print "      calls " substr($0, 6, 80) }
        END { printf "  => %d functions, REFCOUNT_CALLS=%d\n", functions, calls + 0 }' "$listing"
}
refcount_calls() { grep -o 'REFCOUNT_CALLS=[0-9]*' <<<"$1" | cut -d= -f2; }
standard='SequenceSchedulerWith<Pool.CorrectSequenceSteps>, Pool.SlotReducerWith<Pool.CorrectSlotSteps>, Pool.CountingWork, Pool.NoProbe> of Pool.PoolCore.runOnPool|CorrectSlotSteps, Pool.NoProbe> of Pool.SlotReducerWith.waitForTotal'
caller_path=$(refcounts "$standard")
refcount_canary=$(refcounts '^Pool.PoolCore.fail\(thread')
echo
echo "Retains and releases on the standard pool's caller path (runOnPool, waitForTotal; NoProbe):"
echo "$caller_path"
echo "The canary, PoolCore.fail (stores an error, so it retains):"
echo "$refcount_canary"

status=0
if [[ $(function_count "$caller_path") -eq 0 ]]; then
    echo "FAIL: found no specialisation of the standard pool's caller path to inspect" >&2; status=1
elif [[ $(refcount_calls "$caller_path") -ne 0 ]]; then
    echo "FAIL: the standard pool's caller path retains or releases: a shared line written per job" >&2; status=1
fi
if [[ $(refcount_calls "$refcount_canary") -eq 0 ]]; then
    echo "FAIL: the refcount canary did not fire: no retain found in PoolCore.fail, so the scan proves nothing" >&2; status=1
fi
if [[ $(function_count "$no_probe") -eq 0 ]]; then
    echo "FAIL: found no NoProbe specialisation to inspect" >&2; status=1
fi
if [[ $(reach_calls "$no_probe") -ne 0 ]]; then
    echo "FAIL: NoProbe code calls reach: the default probe is not free" >&2; status=1
fi
if [[ $(reach_calls "$call_probe") -eq 0 ]]; then
    echo "FAIL: the canary did not fire: no call to CallProbe.reach found, so the scan proves nothing" >&2; status=1
fi
if [[ $status -eq 0 ]]; then
    echo "OK: NoProbe specialisations make no call to reach; the CallProbe canary makes $(reach_calls "$call_probe")."
    echo "OK: the standard pool's caller path makes no retain or release; the canary makes $(refcount_calls "$refcount_canary")."
fi
exit $status
