#!/usr/bin/env python3
"""pandas and polars on the CSV bench's file: the baseline for benches/csv.rs.

The same job as the Rust bench: read the long-format CSV (candidate, stage,
outcome, date, sex, ethnicity), then per stage and sex x ethnicity group
count passed and failed and compute pass rate = passed / (passed + failed),
undefined (null/NaN) when nobody was decided. Dates are parsed as dates, as
the Rust loader does. The Rust loader also validates every journey, which
this does not.

Run by hand, not in CI, on the file the bench reads, in turn with the
Rust side timed the same way (best of N, end to end in one process):

    cargo run --release --example write_synthetic_csv -- /tmp/force-year.csv
    cargo run --release --example time_csv -- /tmp/force-year.csv
    python benches/compare_polars.py /tmp/force-year.csv
    POSITIVE_ACTION_CSV=/tmp/force-year.csv cargo bench --bench csv

Each tool is timed best of 5 (or --repeat N), end to end: read, group,
rates, and freeing the frame. Figures are MB/s (10^6 bytes), MiB/s (what
criterion prints) and rows/s.
"""

import argparse
import gc
import os
import sys
import time


def pandas_funnel(path):
    import pandas as pd

    frame = pd.read_csv(
        path,
        dtype={"candidate": str, "stage": str, "outcome": str, "sex": str, "ethnicity": str},
        parse_dates=["date"],
        date_format="%Y-%m-%d",
        keep_default_na=False,
    )
    rows = len(frame)
    frame["passed"] = frame["outcome"] == "passed"
    frame["failed"] = frame["outcome"] == "failed"
    table = frame.groupby(["stage", "sex", "ethnicity"], sort=False)[["passed", "failed"]].sum()
    table["pass_rate"] = table["passed"] / (table["passed"] + table["failed"])
    return rows, len(table)


def polars_funnel(path):
    import polars as pl

    frame = pl.read_csv(path, try_parse_dates=True)
    rows = frame.height
    table = (
        frame.group_by(["stage", "sex", "ethnicity"])
        .agg(
            passed=(pl.col("outcome") == "passed").sum(),
            failed=(pl.col("outcome") == "failed").sum(),
        )
        .with_columns(pass_rate=pl.col("passed") / (pl.col("passed") + pl.col("failed")))
    )
    return rows, table.height


def best_of(run, path, repeat):
    best = float("inf")
    rows = cells = 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        rows, cells = run(path)
        gc.collect()  # free the frame inside the timing, as Rust drops it
        best = min(best, time.perf_counter() - start)
    return best, rows, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="the long-format CSV (see write_synthetic_csv)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool; the best counts")
    args = parser.parse_args()
    if not os.path.isfile(args.csv):
        sys.exit(f"error: {args.csv}: no such file")
    size = os.path.getsize(args.csv)

    import pandas
    import polars

    print(f"{args.csv}: {size} bytes ({size / 1e6:.1f} MB)")
    print(f"pandas {pandas.__version__}, polars {polars.__version__} "
          f"({polars.thread_pool_size()} threads), best of {args.repeat}")
    print(f"{'tool':<8} {'seconds':>8} {'MB/s':>8} {'MiB/s':>8} {'M rows/s':>9} {'rows':>10} {'cells':>6}")
    for name, run in [("pandas", pandas_funnel), ("polars", polars_funnel)]:
        seconds, rows, cells = best_of(run, args.csv, args.repeat)
        print(
            f"{name:<8} {seconds:>8.3f} {size / seconds / 1e6:>8.1f} "
            f"{size / seconds / 2**20:>8.1f} {rows / seconds / 1e6:>9.2f} {rows:>10} {cells:>6}"
        )


if __name__ == "__main__":
    main()
