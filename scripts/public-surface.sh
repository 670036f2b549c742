#!/usr/bin/env bash
# The `Pool` library's public surface, counted from its symbol graph, against the limits
# recorded below: what a user of the pool sees when they type `Pool.`. Everything the harness
# needs is `package` (docs/PROTOCOL.md, "Steps", says why the steps protocols stay public).
# A change that makes more public than the limits allow fails here; one that makes less
# lowers the limits in the same commit.
#
# usage: scripts/public-surface.sh [--self-check] [--check-args]
#   --self-check  also plants one public type in a copy of the symbol graph: the count must
#                 fail on it (the check can fail)
#   --check-args  parse the arguments and exit (0, or 64 for a bad one)
# Exit: 0 within the limits; 1 over them (or the self-check's plant not caught); 64 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

# The limits: public symbols of every kind, and top-level types, of the module `Pool`.
readonly max_symbols=347
readonly max_types=43

usage() {
    cat >&2 <<'USAGE'
usage: scripts/public-surface.sh [--self-check] [--check-args]
  --self-check  also plants one public type in a copy of the symbol graph: the count must
                fail on it (the check can fail)
  --check-args  parse the arguments and exit (0, or 64 for a bad one)
Exit: 0 within the limits; 1 over them (or the self-check's plant not caught); 64 usage.
USAGE
}
self_check=0
for argument in "$@"; do
    case $argument in
        --self-check) self_check=1 ;;
        --check-args) check_args=1 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "public-surface.sh: unknown argument \"$argument\"" >&2; usage; exit 64 ;;
    esac
done
[ "${check_args:-0}" = 1 ] && exit 0
command -v python3 >/dev/null || { echo "public-surface.sh: needs python3 to read the symbol graph" >&2; exit 1; }

folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
swift package dump-symbol-graph --minimum-access-level public >"$folder/dump.log" 2>&1 \
    || { tail -n 20 "$folder/dump.log" >&2; echo "public-surface.sh: the symbol graph could not be built" >&2; exit 1; }
graph=$(find .build -path '*symbolgraph/Pool.symbols.json' | head -n 1)
[ -n "$graph" ] || { echo "public-surface.sh: no symbol graph of Pool under .build" >&2; exit 1; }

# count GRAPH: prints "SYMBOLS TYPES" and the top-level types, one per line after.
count() {
    python3 - "$1" <<'PYTHON'
import json, sys
symbols = json.load(open(sys.argv[1]))["symbols"]
top = sorted(s["pathComponents"][0] for s in symbols if len(s["pathComponents"]) == 1)
print(len(symbols), len(top))
print("\n".join(top))
PYTHON
}

# judge GRAPH LABEL: 0 within the limits, 1 over them.
judge() {
    local result symbols types
    result=$(count "$1")
    read -r symbols types <<<"$(head -n 1 <<<"$result")"
    echo "public-surface.sh: $2: $symbols public symbols (at most $max_symbols), $types top-level types (at most $max_types)"
    if [ "$symbols" -gt "$max_symbols" ] || [ "$types" -gt "$max_types" ]; then
        echo "public-surface.sh: $2: over the limit; the top-level types:" >&2
        tail -n +2 <<<"$result" | sed 's/^/  /' >&2
        return 1
    fi
}

judge "$graph" "Pool"
if [ "$self_check" = 1 ]; then
    python3 - "$graph" "$folder/planted.json" <<'PYTHON'
import json, sys
graph = json.load(open(sys.argv[1]))
graph["symbols"].append({"pathComponents": ["PlantedPublicType"], "kind": {"identifier": "swift.struct"}})
json.dump(graph, open(sys.argv[2], "w"))
PYTHON
    if judge "$folder/planted.json" "self-check (one public type planted)" 2>/dev/null; then
        echo "public-surface.sh: self-check FAILED: a planted public type passed the count" >&2
        exit 1
    fi
    echo "public-surface.sh: self-check: the planted public type was caught"
fi
