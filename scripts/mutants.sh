#!/usr/bin/env bash
# Mutation testing of the statistics, counts, funnel, impact analysis and
# disclosure control with cargo-mutants (settings in .cargo/mutants.toml).
#
#   scripts/mutants.sh [AREA] [SHARD] [-- extra cargo-mutants options]
#
# AREA is stats, counts, funnel, impact, disclosure or all (the default),
# or `missed` to re-run every mutant a run under mutants.out/ missed (after
# adding tests; scripts/mutants-score.sh then counts the newest outcome);
# SHARD is k/n to run the k-th of n slices (0-based, as cargo-mutants counts).
# Results go to mutants.out/AREA[-k-of-n]/mutants.out/ (missed.txt, caught.txt,
# unviable.txt, timeout.txt, outcomes.json). Timings per area and the shard
# counts that keep each run under an hour on a shared 2-core machine are in
# mutants/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

area="${1:-all}"
shard="${2:-}"
shift $(( $# > 2 ? 2 : $# ))
[[ "${1:-}" == "--" ]] && shift

args=()
out="mutants.out/$area"
case "$area" in
    stats) re='^src/stats/' ;;
    counts) re='^src/counts/' ;;
    funnel) re='^src/funnel\.rs' ;;
    impact) re='^src/impact/' ;;
    disclosure) re='^src/report/disclosure/' ;;
    all) re='' ;;
    missed)
        re=''
        out="mutants.out/missed-$(date +%Y%m%dT%H%M%S)"
        mapfile -t names < <(cat mutants.out/*/mutants.out/missed.txt 2>/dev/null | sort -u)
        [[ ${#names[@]} -gt 0 ]] || { echo "no missed mutants under mutants.out/" >&2; exit 0; }
        for name in "${names[@]}"; do
            args+=(--re "^$(printf '%s' "$name" | sed 's/[][\.*^$()+?{}|]/\\&/g')\$")
        done
        ;;
    *) echo "unknown area '$area': expected stats, counts, funnel, impact, disclosure, all or missed" >&2; exit 2 ;;
esac

[[ -n "$re" ]] && args+=(--re "$re")
if [[ -n "$shard" ]]; then
    [[ "$shard" =~ ^[0-9]+/[0-9]+$ ]] || { echo "shard must be k/n, got '$shard'" >&2; exit 2; }
    args+=(--shard "$shard")
    out="$out-${shard%/*}-of-${shard#*/}"
fi
mkdir -p "$out"

# Mutate a copy of the tree at a fixed path, target/mutants-tree, rather than
# cargo-mutants' fresh temporary copy: at a fixed path the crate's
# incremental build state carries over from run to run, which saves a full
# rebuild of the crate and its tests (a quarter of an hour on a shared 2-core
# machine) at the start of each run. Files are copied with fresh times so
# cargo never takes a mutant left built by an interrupted run for the
# source. Dependencies are shared with ordinary builds under target/.
tree=target/mutants-tree
mkdir -p "$tree"
rm -rf "$tree/src" "$tree/tests" "$tree/examples" "$tree/benches" "$tree/.cargo" "$tree/proptest-regressions"
tar --exclude=./target --exclude=./mutants.out --exclude=./.git --exclude=./fuzz -cf - . \
    | tar -C "$tree" --touch -xf -
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
exec nice -n 10 cargo mutants --in-place --dir "$tree" --output "$PWD/$out" "${args[@]}" "$@"
