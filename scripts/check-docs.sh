#!/usr/bin/env bash
# The docs check: the repository stands alone, and its documents name code that exists.
#
#  (a) Names. Every type or function name written in `backticks` in the documents of
#      NAME_DOCS is declared in Sources (a Swift `class|struct|enum|protocol|typealias|
#      func|var|let|case|actor|associatedtype NAME`, or a C function of the shim). For
#      `A.b` both A and b must be; `f(x)` and `f(label:)` check f. Spans that are not names
#      are skipped: anything with a space, a path, a number or operator, a single letter
#      (the documents' N, k, i, ...), and the names of ALLOWED_NAMES below.
#  (b) Citations. No file under Sources, Tests, scripts, docs, .ci, .github, README.md or
#      Package.swift cites the old notes file outside the repository, or a path outside it;
#      every repository path a file cites (Sources/..., Tests/..., scripts/..., docs/...,
#      .ci/..., .github/...) exists; every section a file cites (a document's path, a comma,
#      and the heading in double quotes) is a heading of that document; every relative
#      Markdown link of a document resolves.
#
# usage: scripts/check-docs.sh [--root DIR]     check DIR (default: this repository)
#        scripts/check-docs.sh --self-check     prove the check fires: plant one defect of
#                                               each kind in a temporary copy, expect each
#                                               to be reported by name
# Exit 0: OK (one line). Exit 1: findings, one per line. Exit 64: usage.
set -euo pipefail

script_path="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
repository="$(cd "$(dirname "$0")/.." && pwd)"

# The documents whose backticked names must exist in Sources.
NAME_DOCS=(docs/PROTOCOL.md docs/ORIGIN.md)

# Names the documents may write in backticks that are not declared in Sources, by kind.
ALLOWED_NAMES=(
    # Swift keywords and literals.
    deinit init mutating false true nil self Self
    # Standard library and Synchronization types and members the protocol tables spell out.
    Int Bool UInt32 UInt64 UInt128 Copyable Atomic max min
    load store exchange compareExchange wrappingAdd wrappingSubtract bitwiseOr
    # Memory orderings, as the protocol tables and the Swift API spell them.
    seq_cst relaxed acquiring releasing acquiringAndReleasing sequentiallyConsistent
    # Kernel and C library calls, and errno values.
    futex_wait futex_wake sched_yield pthread_timedjoin_np EAGAIN EINTR ETIMEDOUT
    # Prose, not code: PROTOCOL.md's own convention line ("Names in `code` are the Swift names").
    code
)

# Built from parts, so that this script does not cite what it forbids.
NOTES_WORD="NOTE""S"
OUTSIDE_PATH="\.\./sha""red"

usage() {
    echo "usage: scripts/check-docs.sh [--root DIR] | --self-check" >&2
    exit 64
}

root=$repository
self_check=0
while [ $# -gt 0 ]; do
    case $1 in
        --root) [ $# -ge 2 ] || usage; root=$2; shift 2 ;;
        --self-check) self_check=1; shift ;;
        -h|--help) usage ;;
        *) echo "check-docs: unknown argument '$1'" >&2; usage ;;
    esac
done

# The files part (b) reads: text files of the repository's own folders.
cited_files() {
    local top
    for top in Sources Tests scripts docs .ci .github; do
        [ -d "$top" ] && find "$top" -type f ! -name '*.png' ! -name '*.jpg' -print
    done
    for top in README.md Package.swift; do
        [ -f "$top" ] && echo "$top"
    done
    return 0
}

# Every name Sources declares, one per line.
declared_names() {
    {
        grep -rhoE '\b(class|struct|enum|protocol|typealias|func|var|let|case|actor|associatedtype)[[:space:]]+[A-Za-z_][A-Za-z0-9_]*' \
            --include='*.swift' Sources | awk '{ print $2 }'
        # `case a, b = 2, c(x)`: every element of a case list.
        grep -rhE '^[[:space:]]*(@[A-Za-z]+[[:space:]]+|(public|package|internal|indirect)[[:space:]]+)*case[[:space:]]+[A-Za-z_]' \
            --include='*.swift' Sources \
            | sed -E 's/^[[:space:]]*((@[A-Za-z]+|public|package|internal|indirect)[[:space:]]+)*case[[:space:]]+//; s/:.*$//' \
            | tr ',' '\n' \
            | sed -E 's/^[[:space:]]*//' | grep -oE '^[A-Za-z_][A-Za-z0-9_]*' || true
        # The C shim's functions.
        grep -rhoE '\bcpool_[A-Za-z0-9_]+[[:space:]]*\(' Sources/CPoolSupport | tr -d '( ' || true
    } | sort -u
}

# The names the documents of NAME_DOCS write in backticks, as "document<TAB>span<TAB>name",
# one line per component of a dotted name, without the spans that are not names.
name_candidates() {
    local file span name part parts
    for file in "${NAME_DOCS[@]}"; do
        [ -f "$file" ] || continue
        while IFS= read -r span; do
            # Not names: code with spaces, paths, and file names (`BENCH.md`).
            [[ $span =~ [[:space:]] || $span == */* || $span =~ \.(md|swift|sh|c|h|yml|json|txt|csv|svg)$ ]] && continue
            name=${span#.}
            name=${name#\~}
            if [[ $name =~ ^([A-Za-z_][A-Za-z0-9_.]*)\([^()]*\)$ ]]; then name=${BASH_REMATCH[1]}; fi
            [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$ ]] || continue
            IFS=. read -r -a parts <<<"$name"
            for part in "${parts[@]}"; do
                # A single letter is a variable of the text (N, k, i), not a name of the code.
                [ ${#part} -le 1 ] || printf '%s\t%s\t%s\n' "$file" "$span" "$part"
            done
        done < <(backticked_spans "$file" | sort -u)
    done
}

# Whether Markdown file $1 has a section titled $2: a heading, or a paragraph that opens
# with the title in bold (PROTOCOL.md's "**Late failures.** ...").
heading_exists() {
    awk -v title="$2" '
        { line = $0 }
        line ~ /^#+ / { sub(/^#+ +/, "", line); if (line == title) found = 1; next }
        index(line, "**" title "**") == 1 || index(line, "**" title ".**") == 1 { found = 1 }
        END { exit found ? 0 : 1 }' "$1"
}

# The sections the files cite, as "file<TAB>line<TAB>document<TAB>heading". A citation whose
# heading runs on to the next line of a comment or paragraph is read across the line break.
section_citations() {
    awk '
        function scan(text, number,    rest, cite, path, heading) {
            rest = text
            while (match(rest, /docs\/[A-Za-z0-9_-]+\.md[)`]*, "[^"]+"/)) {
                cite = substr(rest, RSTART, RLENGTH)
                rest = substr(rest, RSTART + RLENGTH)
                path = cite; sub(/[)`]*, ".*$/, "", path)
                heading = cite; sub(/^[^"]*"/, "", heading); sub(/"$/, "", heading)
                print FILENAME "\t" number "\t" path "\t" heading
            }
        }
        FNR == 1 { held = "" }
        {
            line = $0
            if (held != "") {
                continued = line
                sub(/^[[:space:]]*(\/\/\/?|#|\*)?[[:space:]]*/, "", continued)
                scan(held " " continued, heldNumber)
                held = ""
            }
            if (match(line, /docs\/[A-Za-z0-9_-]+\.md[)`]*,( "[^"]*)?[[:space:]]*$/)) {
                held = substr(line, RSTART); sub(/[[:space:]]+$/, "", held); heldNumber = FNR
            }
            scan(line, FNR)
        }' "$@"
}

# Backticked spans of a Markdown file, outside fenced code blocks, one per line.
backticked_spans() {
    awk '/^[[:space:]]*```/ { fenced = !fenced; next } !fenced' "$1" | grep -oE '`[^`]+`' | tr -d '`' || true
}

check() {
    cd "$root"
    local findings=() files=() declared span name part file line path heading target text
    local checked_names=0 checked_paths=0 checked_sections=0
    declared=$(declared_names)

    # (a) names
    local candidates
    candidates=$(name_candidates)
    checked_names=$(awk -F'\t' -v allowed="${ALLOWED_NAMES[*]}" '
        BEGIN { n = split(allowed, list, " "); for (i = 1; i <= n; i++) skip[list[i]] = 1 }
        NF == 3 && !($3 in skip) { count++ } END { print count + 0 }' <<<"$candidates")
    while IFS=$'\t' read -r file span part; do
        findings+=("$file: \`$span\` names '$part', which nothing in Sources declares")
    done < <(awk -F'\t' -v allowed="${ALLOWED_NAMES[*]}" '
        BEGIN { n = split(allowed, list, " "); for (i = 1; i <= n; i++) skip[list[i]] = 1 }
        FILENAME != "-" { declared[$0] = 1; next }
        NF == 3 && !($3 in skip) && !($3 in declared)' <(printf '%s\n' "$declared") - <<<"$candidates")
    for file in "${NAME_DOCS[@]}"; do
        [ -f "$file" ] || findings+=("$file: missing (one of the documents whose names are checked)")
    done

    # (b) citations, over every text file at once.
    while IFS= read -r file; do
        grep -qI . "$file" && files+=("$file")
    done < <(cited_files)
    while IFS=: read -r file line text; do
        findings+=("$file:$line: cites a file outside the repository: $text")
    done < <(grep -nHE "\\b$NOTES_WORD\\b|$OUTSIDE_PATH" "${files[@]}" || true)
    while IFS=: read -r file line path; do
        checked_paths=$((checked_paths + 1))
        [ -e "$path" ] || findings+=("$file:$line: cites $path, which does not exist")
    done < <(grep -noHE '(^|[^A-Za-z0-9_./$~-])(Sources|Tests|scripts|docs|\.ci|\.github)/[A-Za-z0-9_./+-]*[A-Za-z0-9_/]' "${files[@]}" \
             | sed -E 's/^([^:]+:[0-9]+):[^A-Za-z.]?/\1:/' || true)
    while IFS=$'\t' read -r file line path heading; do
        checked_sections=$((checked_sections + 1))
        if [ ! -f "$path" ]; then
            findings+=("$file:$line: cites a section of $path, which does not exist")
        elif ! heading_exists "$path" "$heading"; then
            findings+=("$file:$line: cites section \"$heading\" of $path, which has no such heading")
        fi
    done < <(section_citations "${files[@]}")

    # Relative Markdown links of the documents.
    while IFS=: read -r file line target; do
        target=${target#](}
        target=${target%)}
        target=${target%%#*}
        [ -z "$target" ] && continue
        checked_paths=$((checked_paths + 1))
        [ -e "$(dirname "$file")/$target" ] || findings+=("$file:$line: links to $target, which does not exist")
    done < <(grep -noHE '\]\([^):# ]+(#[^)]*)?\)' README.md docs/*.md 2>/dev/null || true)

    if [ ${#findings[@]} -gt 0 ]; then
        printf 'check-docs: %s\n' "${findings[@]}"
        printf 'check-docs: FAIL: %d finding(s)\n' "${#findings[@]}"
        return 1
    fi
    printf 'check-docs: OK: %d names in %s declared in Sources; %d paths and %d cited sections resolve; nothing cites a file outside the repository\n' \
        "$checked_names" "${NAME_DOCS[*]}" "$checked_paths" "$checked_sections"
}

# Plants one defect of each kind in a fresh copy of the repository and expects the check to
# fail and to name it. The unplanted copy may fail too (a finding of the real tree); what
# matters is that each planted defect is reported, and is not reported without the plant.
self_check() {
    local scratch status=0 kind plant expect output
    scratch=$(mktemp -d)
    trap "rm -rf '$scratch'" EXIT
    copy() {
        rm -rf "$scratch/copy"
        mkdir -p "$scratch/copy"
        (cd "$repository" && tar cf - --exclude='.build*' Sources Tests scripts docs .ci .github README.md Package.swift 2>/dev/null) \
            | (cd "$scratch/copy" && tar xf -)
    }
    copy
    local baseline
    baseline=$("$script_path" --root "$scratch/copy" 2>&1 || true)
    # kind | file to plant it in | the planted line | what the report must contain. Paths are
    # built from parts, so that this script does not cite them itself.
    local scripts_folder=scripts docs_folder=docs
    local plants=(
        "name|docs/PROTOCOL.md|The \`NoSuchPlantedType.noSuchPlantedMember\` state.|NoSuchPlantedType"
        "notes citation|Sources/PoolSupport/SplitMix64.swift|// planted notes citation: see $NOTES_WORD §9|planted notes citation"
        "outside path|Tests/StressTests/PlanTests.swift|// planted outside path: see ../sha""red/planted.md|planted outside path"
        "missing path|scripts/probe-cost.sh|# see $scripts_folder/no-such-planted-script.sh|no-such-planted-script.sh"
        "missing section|README.md|See $docs_folder/PLATFORM.md, \"No such planted section\".|No such planted section"
        "broken link|docs/ORIGIN.md|[planted](no-such-planted-page.md)|no-such-planted-page.md"
    )
    for plant in "${plants[@]}"; do
        IFS='|' read -r kind target line expect <<<"$plant"
        if grep -qF -- "$expect" <<<"$baseline"; then
            echo "check-docs --self-check: '$expect' is reported before it is planted: the test proves nothing" >&2
            status=1
            continue
        fi
        copy
        printf '\n%s\n' "$line" >>"$scratch/copy/$target"
        if output=$("$script_path" --root "$scratch/copy" 2>&1); then
            echo "check-docs --self-check: a planted $kind in $target passed the check" >&2
            status=1
        elif ! grep -qF -- "$expect" <<<"$output"; then
            echo "check-docs --self-check: a planted $kind in $target failed the check without naming '$expect':" >&2
            echo "$output" >&2
            status=1
        fi
    done
    if [ $status -eq 0 ]; then
        echo "check-docs --self-check: OK: each of ${#plants[@]} planted defects (name, notes citation, outside path, missing path, missing section, broken link) was reported"
    fi
    return $status
}

if [ $self_check -eq 1 ]; then self_check; else check; fi
