"""Writes the seed corpus of the parquet_file fuzz target: small valid
Parquet files in the long format, in the encodings and compressions the
reader meets (plain and dictionary strings, integer ids, dates, nulls,
several row groups, snappy and zstd), for libFuzzer to corrupt.

    python3 -m venv venv && venv/bin/pip install pyarrow
    venv/bin/python fuzz/seeds/make_parquet_seeds.py

Each file is prefixed with the target's flag byte (0: count with journeys
checked; 2: read records), as the target takes its input.
"""
import io
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq

OUT = pathlib.Path(__file__).parent / "parquet_file"
OUT.mkdir(exist_ok=True)

rows = {
    "candidate": ["APP-1", "APP-1", "APP-1", "APP-2", "APP-2", "APP-3"],
    "stage": ["application", "sift", "interview", "application", "sift", "application"],
    "outcome": ["passed", "passed", "failed", "passed", "withdrew", "failed"],
    "date": ["2025-04-01", "2025-04-10", "2025-05-01", "2025-04-02", None, "2025-04-03"],
    "sex": ["female", "female", "female", "male", None, "prefer not to say"],
    "ethnicity": ["Black", "Black", "Black", "White", "White", ""],
}


def write(name, table, flag, **kwargs):
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **kwargs)
    (OUT / name).write_bytes(bytes([flag]) + buffer.getvalue())


plain = pa.table(rows)
write("plain-count", plain, 0, compression="none", use_dictionary=False)
write("plain-read", plain, 2, compression="snappy")
dictionary = pa.table({k: pa.array(v).dictionary_encode() for k, v in rows.items()})
write("dictionary", dictionary, 0, compression="zstd", row_group_size=2)
ids = dict(rows)
ids["candidate"] = pa.array([1, 1, 1, 2, 2, 3], pa.int64())
ids["date"] = pa.array(rows["date"]).cast(pa.date32())
write("integer-ids-dates", pa.table(ids), 0, compression="none", row_group_size=3)
write("lenient", pa.table({"candidate": ["A", "A"], "stage": ["application", "sift"], "outcome": ["pass", "maybe"]}), 1, compression="none")
print(sorted(p.name for p in OUT.iterdir()))
