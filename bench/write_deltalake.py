"""delta-rs's side of the Delta write comparison (bench/delta-write.ts).

Reads the benchmark's rows from a Parquet file (not timed), writes them with
deltalake.write_deltalake to a new table partitioned by month, and prints JSON: the write's
wall time in ms, the rows and the data files the new table holds.

    python write_deltalake.py ROWS.parquet NEW_TABLE_FOLDER
"""

import json
import sys
import time

import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

source, target = sys.argv[1], sys.argv[2]
rows = pq.read_table(source)
start = time.perf_counter()
write_deltalake(target, rows, partition_by=["month"], mode="error")
ms = (time.perf_counter() - start) * 1000
table = DeltaTable(target)
print(json.dumps({"ms": ms, "rows": table.count(), "files": len(table.file_uris())}))
