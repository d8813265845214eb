#!/usr/bin/env bash
# Runs every fuzz target of positive-action with libFuzzer (cargo-fuzz, on the
# nightly toolchain), seeded from the test fixtures, with a dictionary of the
# format's tokens. Not part of CI, which runs on stable; crashes found here
# become ordinary regression tests in tests/ so `cargo test` keeps them fixed.
#
#   fuzz/run.sh                    # every target, 10 million executions each
#   RUNS=100000 fuzz/run.sh        # a quick pass
#   fuzz/run.sh csv_records        # one target
#
# Bounds: a single input taking over 1 s is a hang (-timeout=1), and a process
# above 2 GiB resident is a failure (-rss_limit_mb=2048).
set -euo pipefail
cd "$(dirname "$0")"

runs=${RUNS:-10000000}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv_records csv_counts report_json analyses_over_counts arrow_batches parquet_file)

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seed() {
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp -n "$f" "corpus/$target/" || true
  done
}
seed csv_records ../tests/fixtures/csv/*.csv
seed csv_counts ../tests/fixtures/csv/*.csv
seed report_json ../tests/fixtures/report/*.json ../tests/fixtures/csv/*.json
# Small valid Parquet files for the fuzzer to corrupt (seeds/make_parquet_seeds.py).
seed parquet_file seeds/parquet_file/*

for target in "${targets[@]}"; do
  case $target in
    csv_*) dict=dict/csv.dict ;;
    report_json) dict=dict/json.dict ;;
    *) dict= ;;
  esac
  mkdir -p "corpus/$target"
  echo "== $target: $runs executions"
  status=0
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -runs="$runs" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 ${dict:+-dict=$dict} > "logs-$target.txt" 2>&1 || status=$?
  grep -E '^(#[0-9]+.*DONE|stat::|SUMMARY)' "logs-$target.txt" || true
  if [ "$status" -ne 0 ]; then
    echo "$target: FAILED (exit $status); see fuzz/logs-$target.txt and fuzz/artifacts/$target" >&2
    exit 1
  fi
done
