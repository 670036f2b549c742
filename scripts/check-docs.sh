#!/usr/bin/env bash
# The docs check: the repository stands alone, and its documents say what is true of it.
#
#  (a) Names. Every type or function name written in `backticks` in README.md and the
#      documents of docs/ is declared in Sources or Tests (a Swift `class|struct|enum|
#      protocol|typealias|func|var|let|case|actor|associatedtype NAME`, or a C function of
#      the shim). For `A.b` both A and b must be; `f(x)` and `f(label:)` check f. Spans that
#      are not names are skipped: anything with a space, a path, a file name, a number or
#      operator, a single letter (the documents' N, k, i, ...), an ALL_CAPS word (an
#      environment variable, a C constant, a verdict word), and the names of ALLOWED_NAMES.
#  (b) Citations. No file under Sources, Tests, scripts, docs, .ci, .github, README.md or
#      Package.swift cites the old notes file outside the repository, or a path outside it;
#      every repository path a file cites (Sources/..., Tests/..., scripts/..., docs/...,
#      .ci/..., .github/...) exists; every section a file cites (a document's path, a comma,
#      and the heading in double quotes) is a heading of that document; every relative
#      Markdown link of a document resolves.
#  (c) Canaries. Every `kebab-case-name` in backticks in the documents is a canary of the
#      registry (Sources/Canaries/Canary.swift, as `stress --list-canaries` prints it) or a
#      string Sources spells out (a protocol race, a fault kind, a profile).
#  (d) Command lines. Every `stress ...`, `bench ...` and `scripts/...` command the
#      documents show (in sh code blocks, indented code, or backticks; `swift run ... stress`
#      and `.build*/.../stress` included) parses: stress and bench are run with
#      `--check-args`, which validates and runs nothing; a script that accepts --check-args
#      (scripts/soak.sh) is run with it; for the others every option must be one of the
#      script's own. A backticked span in prose that does not parse on its own (a mention,
#      `stress --profile`) passes if every option in it is one the program's --help lists.
#      Commands with placeholders (`--seconds S`, `[...]`, `...`, `$VAR`) are skipped. The
#      binaries: a debug build (`swift build --product stress|bench`), unless --binaries DIR
#      names them; with CHECK_DOCS_NO_BUILD=1 nothing is built, and without the binaries this
#      part is skipped with a note.
#  (e) Layout. The folders README.md's "Layout" block lists exist, and it lists every folder
#      of Sources, Tests, scripts and docs (an indented `Name/` is a folder of the unindented
#      entry above it).
#  (f) Provenance. No file under README.md, docs, Sources, Tests, scripts, .ci or .github
#      says how the repository was made (tracker numbers, work sittings, borrowed machines:
#      PROVENANCE_WORDS).
#
# usage: scripts/check-docs.sh [--root DIR] [--binaries DIR]
#                                               check DIR (default: this repository), with
#                                               the stress and bench binaries in DIR
#                                               (default: built into the root's .build/debug)
#        scripts/check-docs.sh --self-check [--binaries DIR]
#                                               prove the check fires: plant one defect of
#                                               each kind in a temporary copy, expect each
#                                               to be reported by name
# Exit 0: OK (one line). Exit 1: findings, one per line. Exit 64: usage.
set -euo pipefail

script_path="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
repository="$(cd "$(dirname "$0")/.." && pwd)"

# The documents whose backticked names, canaries and command lines are checked (relative to
# the root; the glob is expanded there).
NAME_DOCS_PATTERNS=(README.md 'docs/*.md')

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
    # The toolchain's modules, standard library and Swift Testing names the documents cite.
    Synchronization Glibc Foundation Dispatch Testing Array Mutex WordPair DispatchQueue
    withTaskGroup precondition fatalError atomicMemoryFence let serialized timeLimit
    unsafeFlags Package
    # The executables, and a column of bench.csv.
    stress bench ratio_to_floor
    # C library and kernel calls, runtime entry points, instructions, sysctl and TSan options.
    pthread_create pthread_join pthread_exit pthread_kill pthread_setaffinity_np
    pthread_barrier_wait sched_getaffinity sigtimedwait syscall alarm kill exit getcpu rdpid
    cmpxchg16b swift_retain swift_release swift_beginAccess swift_endAccess
    vm mmap_rnd_bits log_path
    # Another language's names, in comparisons (loom's `cfg(loom)`).
    cfg
)

# Built from parts, so that this script does not cite what it forbids.
NOTES_WORD="NOTE""S"
OUTSIDE_PATH="\.\./sha""red"
# (f): how the repository was made. Case-insensitive extended regular expression.
PROVENANCE_WORDS="\\biss""ue [0-9]+|\\biss""ue's|sess""ions'|'s sess""ion\\b|\\ble""nt\\b|dev""ice machine|machine ki""nd|other sess""ions"


usage() {
    echo "usage: scripts/check-docs.sh [--root DIR] [--binaries DIR] | --self-check [--binaries DIR]" >&2
    exit 64
}

root=$repository
binaries=""
self_check=0
while [ $# -gt 0 ]; do
    case $1 in
        --root) [ $# -ge 2 ] || usage; root=$2; shift 2 ;;
        --binaries) [ $# -ge 2 ] && [ -d "$2" ] || usage; binaries=$(cd "$2" && pwd); shift 2 ;;
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
        grep -rhoE '\b(class|struct|enum|protocol|typealias|func|var|let|case|actor|associatedtype)[[:space:]]+`?[A-Za-z_][A-Za-z0-9_]*' \
            --include='*.swift' Sources Tests | awk '{ print $2 }' | tr -d '`'
        # `case a, b = 2, c(x)`: every element of a case list.
        grep -rhE '^[[:space:]]*(@[A-Za-z]+[[:space:]]+|(public|package|internal|indirect)[[:space:]]+)*case[[:space:]]+[A-Za-z_]' \
            --include='*.swift' Sources Tests \
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
            [[ $span =~ [[:space:]] || $span == */* || $span =~ \.(md|swift|sh|c|h|yml|json|txt|csv|svg|env|tsv|resolved|gitignore)$ ]] && continue
            # Not Swift names: environment variables, C constants, verdict words (`PASS`).
            [[ $span =~ ^[A-Z_][A-Z0-9_]*(=.*)?$ ]] && continue
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

# The canaries of the registry: the raw values of `enum Canary`'s cases.
registry_canaries() {
    awk '/^public enum Canary[^A-Za-z0-9_]/ { inside = 1 } inside && /^}/ { exit }
         inside && match($0, /^    case [A-Za-z]+ = "[a-z0-9-]+"/) { line = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", line); sub(/"$/, "", line); print line }' \
        Sources/Canaries/Canary.swift 2>/dev/null || true
}

# The commands the documents show, as "document<TAB>line<TAB>code|prose<TAB>command": every line of a sh
# code block (a trailing backslash joins the next), every indented code line that starts
# with a command, and every backticked span of a paragraph (read across its line breaks).
shown_commands() {
    awk '
        function spans(text, number,    rest, span) {
            rest = text
            while (match(rest, /`[^`]+`/)) {
                span = substr(rest, RSTART + 1, RLENGTH - 2)
                rest = substr(rest, RSTART + RLENGTH)
                if (span ~ /(stress|bench|scripts\/)/) print file "\t" number "\tprose\t" span
            }
        }
        function flush() { if (paragraph != "") spans(paragraph, start); paragraph = "" }
        FNR == 1 { flush(); fenced = 0; held = ""; file = FILENAME }
        /^[[:space:]]*```/ {
            flush()
            if (!fenced) { fenced = 1; info = $0; sub(/^[[:space:]]*```/, "", info); shell = (info ~ /^(sh|bash|shell|console)$/) }
            else fenced = 0
            next
        }
        fenced {
            if (!shell) next
            line = $0
            if (held != "") { line = held " " line; number = heldNumber } else number = FNR
            if (line ~ /\\$/) { sub(/\\$/, "", line); held = line; heldNumber = number; next }
            held = ""
            if (line ~ /(stress|bench|scripts\/)/) print FILENAME "\t" number "\tcode\t" line
            next
        }
        /^    +(swift run|\.build|\.\/scripts\/|scripts\/)/ { flush(); line = $0; sub(/^ +/, "", line); print FILENAME "\t" FNR "\tcode\t" line; next }
        /^[[:space:]]*$/ { flush(); next }
        { if (paragraph == "") start = FNR; paragraph = paragraph " " $0 }
        END { flush() }' "$@"
}

# The program a command runs and its arguments, into command_kind (stress, bench, script or
# empty for a command that is none of those, or a mention without arguments: `stress
# summarize`), command_script (the script's path) and command_arguments. No subshell: it runs
# once per command shown.
command_program() {
    local words=("$@") index=0 program="" path=""
    command_kind=""
    command_script=""
    command_arguments=()
    # Environment assignments, and wrappers that run the rest.
    while [ $index -lt ${#words[@]} ]; do
        case ${words[$index]} in
            *=*) index=$((index + 1)) ;;
            nice|time) index=$((index + 1)) ;;
            timeout)
                index=$((index + 1))
                while [[ ${words[$index]:-} == -* ]]; do index=$((index + 1)); done
                index=$((index + 1)) ;;
            *) break ;;
        esac
    done
    [ $index -lt ${#words[@]} ] || return 0
    case ${words[$index]} in
        swift)
            [ "${words[$((index + 1))]:-}" = run ] || return 0
            index=$((index + 2))
            while [ $index -lt ${#words[@]} ]; do
                case ${words[$index]} in
                    -c|--configuration|--scratch-path|--traits|--package-path) index=$((index + 2)) ;;
                    -*) index=$((index + 1)) ;;
                    *) break ;;
                esac
            done
            program=${words[$index]:-}
            [[ $program == stress || $program == bench ]] || return 0 ;;
        stress|*/stress) program=stress ;;
        bench|*/bench) program=bench ;;
        scripts/*.sh|./scripts/*.sh) program=script; path=${words[$index]#./} ;;
        *) return 0 ;;
    esac
    index=$((index + 1))
    local arguments=("${words[@]:$index}")
    if [ "$program" != script ]; then
        [ ${#arguments[@]} -gt 0 ] || return 0
        if [[ ${#arguments[@]} -eq 1 && ${arguments[0]} =~ ^(summarize|report-field)$ ]]; then return 0; fi
    fi
    command_kind=$program
    command_script=$path
    command_arguments=("${arguments[@]}")
}

# Whether an argument is a placeholder of the text rather than a value (`--seconds S`).
is_placeholder() {
    [[ $1 =~ ^[A-Z][A-Z_]*(\.\.\.|…)?$ || $1 == *[][\<\>\$\|{}…]* || $1 == *...* ]]
}

# (d): appends a finding per command line that does not parse.
check_commands() {
    local stress_binary=$1 bench_binary=$2 file line kind text segment program path output known
    local -a words arguments
    # The options each program's --help lists, for mentions in prose.
    local stress_options bench_options
    stress_options=$({ "$stress_binary" --help; "$stress_binary" summarize --help; "$stress_binary" report-field --help; } 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    bench_options=$("$bench_binary" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    while IFS=$'\t' read -r file line kind text; do
        # A comment ends the command; `&&`, `||` and `;` separate commands.
        text=${text%%  #*}
        text=${text%% # *}
        text=${text//&&/$'\n'}
        text=${text//||/$'\n'}
        text=${text//;/$'\n'}
        while IFS= read -r segment; do
            read -r -a words <<<"$segment"
            [ ${#words[@]} -gt 0 ] || continue
            command_program "${words[@]}"
            [ -n "$command_kind" ] || continue
            program=$command_kind
            path=$command_script
            arguments=(${command_arguments[@]+"${command_arguments[@]}"})
            local placeholder=0 argument
            for argument in ${arguments[@]+"${arguments[@]}"}; do is_placeholder "$argument" && placeholder=1; done
            [ $placeholder -eq 0 ] || continue
            checked_commands=$((checked_commands + 1))
            case $program in
                stress|bench)
                    local binary=$stress_binary
                    [ "$program" = bench ] && binary=$bench_binary
                    known=$stress_options
                    [ "$program" = bench ] && known=$bench_options
                    if ! output=$("$binary" "${arguments[@]}" --check-args 2>&1 >/dev/null); then
                        if [ "$kind" = prose ]; then
                            # A mention: its options must exist.
                            output=""
                            for argument in "${arguments[@]}"; do
                                [[ $argument == --* ]] && ! grep -qxF -- "$argument" <<<"$known" && output="$program has no option $argument"
                            done
                            [ -z "$output" ] && continue
                        fi
                        findings+=("$file:$line: \`$segment\` does not parse: $(head -n 1 <<<"$output")")
                    fi ;;
                script)
                    if [ ! -f "$path" ]; then
                        findings+=("$file:$line: \`$segment\` runs $path, which does not exist")
                    elif grep -qE -- '^[[:space:]]*--check-args\)' "$path"; then
                        if ! output=$(bash "$path" "${arguments[@]}" --check-args 2>&1 >/dev/null); then
                            # A mention in prose: its options must be the script's.
                            if [ "$kind" = prose ]; then
                                output=""
                                for argument in "${arguments[@]}"; do
                                    [[ $argument == -* ]] && ! grep -qE -- "(^|[[:space:]|(])${argument}([|)])" "$path" && output="$path has no option $argument"
                                done
                                [ -z "$output" ] && continue
                            fi
                            findings+=("$file:$line: \`$segment\` does not parse: $(head -n 1 <<<"$output")")
                        fi
                    else
                        for argument in "${arguments[@]}"; do
                            [[ $argument == -* ]] || continue
                            grep -qE -- "(^|[[:space:]|(])${argument}([|)])" "$path" \
                                || findings+=("$file:$line: \`$segment\`: $path has no option $argument")
                        done
                    fi ;;
            esac
        done <<<"$text"
    done < <(shown_commands "${NAME_DOCS[@]}")
}

# (e): the folders README.md's Layout block lists, one per line, as paths from the root.
layout_folders() {
    awk '
        /^## Layout/ { section = 1; next }
        section && /^## / { exit }
        section && /^```/ { if (block) exit; block = 1; next }
        block {
            entry = $1
            if (entry == "") next
            if ($0 ~ /^[[:space:]]/) entry = parent "/" entry
            else parent = entry
            sub(/\/$/, "", entry); sub(/\/$/, "", parent)
            print entry
        }' README.md
}

check_layout() {
    local listed entry folder
    listed=$(layout_folders)
    if [ -z "$listed" ]; then
        findings+=("README.md: no \"## Layout\" section with a code block of the tree")
        return
    fi
    while IFS= read -r entry; do
        checked_layout=$((checked_layout + 1))
        [ -e "$entry" ] || findings+=("README.md: Layout lists $entry, which does not exist")
    done <<<"$listed"
    while IFS= read -r folder; do
        # A top folder whose subfolders are listed one by one (Sources/Pool, ...) is listed.
        grep -qxF -- "$folder" <<<"$listed" || grep -qF -- "$folder/" <<<"$listed" || findings+=("README.md: Layout leaves out the folder $folder/")
    done < <(find Sources Tests scripts docs -type d 2>/dev/null | sort)
}

check() {
    cd "$root"
    local findings=() files=() declared span name part file line path heading target text
    local checked_names=0 checked_paths=0 checked_sections=0 checked_canaries=0 checked_commands=0 checked_layout=0
    local pattern
    NAME_DOCS=()
    for pattern in "${NAME_DOCS_PATTERNS[@]}"; do
        for file in $pattern; do [ -f "$file" ] && NAME_DOCS+=("$file"); done
    done
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
    [ -f README.md ] || findings+=("README.md: missing")

    # (c) canaries: kebab-case spans are canaries of the registry or strings of Sources.
    local canaries
    canaries=$(registry_canaries)
    [ -n "$canaries" ] || findings+=("Sources/Canaries/Canary.swift: no canary found in the registry")
    while IFS=$'\t' read -r file span; do
        checked_canaries=$((checked_canaries + 1))
        grep -qxF -- "$span" <<<"$canaries" && continue
        grep -rqF --include="*.swift" -- "$span" Sources && continue
        findings+=("$file: \`$span\` is neither a canary of the registry (stress --list-canaries) nor a name Sources spells out")
    done < <(for file in "${NAME_DOCS[@]}"; do
                 { backticked_spans "$file" | grep -E '^[a-z][a-z0-9]*(-[a-z0-9]+)+$' || true; } | sort -u | sed "s|^|$file\t|"
             done)

    # (d) command lines, with the binaries of a debug build.
    local bin_folder=${binaries:-$root/.build/debug}
    if [ -z "$binaries" ] && [ "${CHECK_DOCS_NO_BUILD:-0}" != 1 ]; then
        local product
        for product in stress bench; do
            timeout 900 swift build --product "$product" >"${TMPDIR:-/tmp}/check-docs-build.log" 2>&1 \
                || { cat "${TMPDIR:-/tmp}/check-docs-build.log" >&2; findings+=("swift build --product $product failed: command lines not checked"); }
        done
    fi
    local commands_note=""
    if [ -x "$bin_folder/stress" ] && [ -x "$bin_folder/bench" ]; then
        check_commands "$bin_folder/stress" "$bin_folder/bench"
    else
        commands_note=" (command lines NOT checked: no stress and bench in $bin_folder)"
    fi

    # (e) layout
    check_layout

    # (f) provenance
    local provenance_files=()
    for top in README.md docs Sources Tests scripts .ci .github; do [ -e "$top" ] && provenance_files+=("$top"); done
    while IFS= read -r text; do
        findings+=("$text: says how the repository was made (that belongs in the tracker, not in the repository)")
    done < <(grep -rnIiE --exclude-dir='.build*' -- "$PROVENANCE_WORDS" "${provenance_files[@]}" | cut -c1-160 || true)

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
    printf 'check-docs: OK: %d names in %s declared in Sources or Tests; %d kebab-case names are canaries or strings of Sources; %d command lines parse%s; %d Layout entries match the tree; %d paths and %d cited sections resolve; nothing cites a file outside the repository or says how it was made\n' \
        "$checked_names" "${NAME_DOCS[*]}" "$checked_canaries" "$checked_commands" "$commands_note" "$checked_layout" "$checked_paths" "$checked_sections"
}

# Plants one defect of each kind in a fresh copy of the repository and expects the check to
# fail and to name it. The unplanted copy may fail too (a finding of the real tree); what
# matters is that each planted defect is reported, and is not reported without the plant.
self_check() {
    local scratch status=0 kind plant expect output target line action
    scratch=$(mktemp -d)
    trap "rm -rf '$scratch'" EXIT
    copy() {
        rm -rf "$scratch/copy"
        mkdir -p "$scratch/copy"
        (cd "$repository" && tar cf - --exclude='.build*' Sources Tests scripts docs .ci .github README.md Package.swift 2>/dev/null) \
            | (cd "$scratch/copy" && tar xf -)
    }
    # The copy's command lines are checked with this repository's binaries.
    local bin_folder=${binaries:-$repository/.build/debug} product commands=1
    if [ -z "$binaries" ] && [ "${CHECK_DOCS_NO_BUILD:-0}" != 1 ]; then
        for product in stress bench; do
            (cd "$repository" && timeout 900 swift build --product "$product" >"$scratch/build.log" 2>&1) \
                || { cat "$scratch/build.log" >&2; echo "check-docs --self-check: swift build --product $product failed" >&2; return 1; }
        done
    fi
    if [ -x "$bin_folder/stress" ] && [ -x "$bin_folder/bench" ]; then
        bin_folder=$(cd "$bin_folder" && pwd)
    else
        echo "check-docs --self-check: no stress and bench in $bin_folder: the command-line plants are skipped (build them: swift build --product stress; swift build --product bench)"
        commands=0
    fi
    copy
    local baseline
    baseline=$("$script_path" --root "$scratch/copy" --binaries "$bin_folder" 2>&1 || true)
    # kind | file (or folder) to plant it in | the planted line | what the report must contain
    # | how: appended to the file (default), "after:REGEX" (inserted after the first line that
    # matches), or "mkdir" (a new folder). Paths and forbidden words are built from parts, so
    # that this script does not cite them itself.
    local scripts_folder=scripts docs_folder=docs sources_folder=Sources
    local plants=(
        "name|docs/PROTOCOL.md|The \`NoSuchPlantedType.noSuchPlantedMember\` state.|NoSuchPlantedType"
        "notes citation|Sources/PoolSupport/SplitMix64.swift|// planted notes citation: see $NOTES_WORD §9|planted notes citation"
        "outside path|Tests/StressTests/PlanTests.swift|// planted outside path: see ../sha""red/planted.md|planted outside path"
        "missing path|scripts/probe-cost.sh|# see $scripts_folder/no-such-planted-script.sh|no-such-planted-script.sh"
        "missing section|README.md|See $docs_folder/PLATFORM.md, \"No such planted section\".|No such planted section"
        "broken link|docs/ORIGIN.md|[planted](no-such-planted-page.md)|no-such-planted-page.md"
        "name in README|README.md|The \`NoSuchPlantedReadmeType\` type.|NoSuchPlantedReadmeType"
        "canary name|docs/TSAN.md|The canary \`no-such-planted-canary\` proves it.|no-such-planted-canary\` is neither a canary"
        "stress command line|docs/BENCH.md|    .build/release/stress --seconds 5 --no-such-planted-flag|unknown argument '--no-such-planted-flag'|commands"
        "exploration command line|docs/EXPLORATION.md|    swift run -c release stress --explore --strategy no-such-planted-strategy|not 'no-such-planted-strategy'|commands"
        "bench command line|docs/RESULTS.md|    .build/release/bench --quick --no-such-planted-bench-flag|unknown argument '--no-such-planted-bench-flag'|commands"
        "soak command line|docs/TSAN.md|    $scripts_folder/soak.sh 60 --no-such-planted-soak-option|unknown option \"--no-such-planted-soak-option\"|commands"
        "tsan command line|README.md|    $scripts_folder/tsan.sh --no-such-planted-tsan-option|has no option --no-such-planted-tsan-option|commands"
        "layout entry|README.md|$sources_folder/NoSuchPlantedFolder   planted|Layout lists $sources_folder/NoSuchPlantedFolder,|after:^Package\\.swift$"
        "unlisted folder|$sources_folder/Pool/PlantedUnlistedFolder||Layout leaves out the folder $sources_folder/Pool/PlantedUnlistedFolder/|mkdir"
        "provenance word|Sources/PoolSupport/SplitMix64.swift|// planted provenance: written for iss""ue 4242|planted provenance"
    )
    # Every plant goes into one copy, checked once: the check reports every finding, so each
    # planted defect must show up by its own name (and none shows up without its plant).
    local planted=() expects=()
    copy
    for plant in "${plants[@]}"; do
        IFS='|' read -r kind target line expect action <<<"$plant"
        if [ "$action" = commands ]; then
            [ $commands -eq 1 ] || continue
            action=""
        fi
        if grep -qF -- "$expect" <<<"$baseline"; then
            echo "check-docs --self-check: '$expect' is reported before it is planted: the test proves nothing" >&2
            status=1
            continue
        fi
        case $action in
            mkdir) mkdir -p "$scratch/copy/$target" ;;
            after:*)
                awk -v pattern="${action#after:}" -v planted="$line" '{ print } !done && $0 ~ pattern { print planted; done = 1 }' \
                    "$scratch/copy/$target" >"$scratch/planted" && cp "$scratch/planted" "$scratch/copy/$target" ;;
            *) printf '\n%s\n' "$line" >>"$scratch/copy/$target" ;;
        esac
        planted+=("$kind|$target|$expect")
    done
    if output=$("$script_path" --root "$scratch/copy" --binaries "$bin_folder" 2>&1); then
        echo "check-docs --self-check: the copy with ${#planted[@]} planted defects passed the check" >&2
        status=1
    fi
    local kinds=()
    for plant in "${planted[@]}"; do
        IFS='|' read -r kind target expect <<<"$plant"
        kinds+=("$kind")
        if ! grep -qF -- "$expect" <<<"$output"; then
            echo "check-docs --self-check: a planted $kind in $target was not reported by name ('$expect')" >&2
            status=1
        fi
    done
    [ $status -eq 0 ] || echo "$output" >&2
    if [ $status -eq 0 ]; then
        local list
        list=$(printf '%s, ' "${kinds[@]}")
        echo "check-docs --self-check: OK: each of ${#kinds[@]} planted defects (${list%, }) was reported"
    fi
    return $status
}

if [ $self_check -eq 1 ]; then self_check; else check; fi
