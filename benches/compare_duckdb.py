#!/usr/bin/env python3
"""DuckDB on the Parquet bench's file: the baseline for the Parquet path.

The job DESIGN section 7 sets: DuckDB's GROUP BY stage, sex, ethnicity over
the long-format Parquet file (candidate, stage, outcome, date, sex,
ethnicity), counting each outcome (passed, failed, withdrew, pending,
exempt) and computing pass rate = passed / (passed + failed), null when
nobody was decided. The Rust side (examples/time_parquet.rs) goes further,
to the full report (impact ratios, Fisher, z and chi-squared tests per
stage and group); count_parquet also validates every journey, which this
does not.

Run by hand, not in CI, on the file the Rust side reads, in turn with the
Rust side timed the same way (best of N, end to end in one process):

    cargo run --release --features arrow --example write_synthetic_parquet -- /tmp/force-year.parquet
    cargo run --release --features arrow --example time_parquet -- /tmp/force-year.parquet
    python benches/compare_duckdb.py /tmp/force-year.parquet

With --csv FILE, DuckDB's read_csv on the CSV of the same rows is timed
too (write it with the write_synthetic_csv example).

Each run is timed end to end: connect, read, group, fetch the result,
close. Figures are seconds and rows/s; DuckDB uses every core.
"""

import argparse
import gc
import os
import sys
import time

QUERY = """
SELECT stage, sex, ethnicity,
       count(*) FILTER (WHERE outcome = 'passed') AS passed,
       count(*) FILTER (WHERE outcome = 'failed') AS failed,
       count(*) FILTER (WHERE outcome = 'withdrew') AS withdrew,
       count(*) FILTER (WHERE outcome = 'pending') AS pending,
       count(*) FILTER (WHERE outcome = 'exempt') AS exempt,
       passed / nullif(passed + failed, 0) AS pass_rate
FROM {source}
GROUP BY stage, sex, ethnicity
"""


def duckdb_funnel(source, path):
    import duckdb

    con = duckdb.connect()
    table = con.execute(QUERY.format(source=source), [path]).fetchall()
    con.close()
    rows = sum(r[3] + r[4] + r[5] + r[6] + r[7] for r in table)
    return rows, len(table)


def parquet(path):
    return duckdb_funnel("read_parquet(?)", path)


def csv(path):
    return duckdb_funnel(
        "read_csv(?, header = true, all_varchar = false, types = {'sex': 'VARCHAR', 'ethnicity': 'VARCHAR'})",
        path,
    )


def best_of(run, path, repeat):
    best = float("inf")
    rows = cells = 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        rows, cells = run(path)
        best = min(best, time.perf_counter() - start)
    return best, rows, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parquet", help="the long-format Parquet file (see write_synthetic_parquet)")
    parser.add_argument("--csv", help="the CSV of the same rows (see write_synthetic_csv)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per job; the best counts")
    args = parser.parse_args()
    for path in [args.parquet] + ([args.csv] if args.csv else []):
        if not os.path.isfile(path):
            sys.exit(f"error: {path}: no such file")

    import duckdb

    threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__} ({threads} threads), best of {args.repeat}")
    print(f"{'job':<24} {'seconds':>8} {'M rows/s':>9} {'rows':>10} {'cells':>6}")
    jobs = [("duckdb parquet group-by", parquet, args.parquet)]
    if args.csv:
        jobs.append(("duckdb csv group-by", csv, args.csv))
    for name, run, path in jobs:
        seconds, rows, cells = best_of(run, path, args.repeat)
        print(f"{name:<24} {seconds:>8.3f} {rows / seconds / 1e6:>9.2f} {rows:>10} {cells:>6}")


if __name__ == "__main__":
    main()
