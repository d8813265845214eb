#!/usr/bin/env bash
# The mutation score per area from every run under mutants.out/ (see
# scripts/mutants.sh): caught / (caught + missed), unviable mutants left
# out and timeouts shown apart. A mutant tested by more than one run counts
# once, with the outcome of the most recent run (so re-running the missed
# mutants after adding tests updates the score).
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=()
for dir in $(ls -dtr mutants.out/*/mutants.out 2>/dev/null); do
    for kind in caught missed timeout unviable; do
        [[ -f "$dir/$kind.txt" ]] && files+=("$kind=$dir/$kind.txt")
    done
done
[[ ${#files[@]} -gt 0 ]] || { echo "no runs under mutants.out/" >&2; exit 1; }
for entry in "${files[@]}"; do
    kind="${entry%%=*}"
    sed "s/^/$kind\t/" "${entry#*=}"
done | awk -F'\t' '
    function area(name) {
        if (name ~ /^src\/stats\//) return "stats"
        if (name ~ /^src\/counts\//) return "counts"
        if (name ~ /^src\/funnel\.rs/) return "funnel"
        if (name ~ /^src\/impact\//) return "impact"
        if (name ~ /^src\/report\/disclosure\//) return "disclosure"
        return "other"
    }
    { last[$2] = $1 }
    END {
        for (m in last) { n[area(m), last[m]]++; n["all", last[m]]++; seen[area(m)] = 1 }
        printf "%-11s %7s %7s %9s %9s %7s\n", "area", "caught", "missed", "timeouts", "unviable", "score"
        split("stats counts funnel impact disclosure other all", order, " ")
        for (i = 1; i <= 7; i++) {
            a = order[i]
            if (a != "all" && !(a in seen)) continue
            c = n[a, "caught"] + 0; m = n[a, "missed"] + 0
            score = (c + m) ? sprintf("%.1f%%", 100 * c / (c + m)) : "-"
            printf "%-11s %7d %7d %9d %9d %7s\n", a, c, m, n[a, "timeout"] + 0, n[a, "unviable"] + 0, score
        }
    }'
