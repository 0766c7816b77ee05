"""Test oracle: delta-rs file skipping. For each SQL predicate, the files delta-rs keeps after
pruning by partition values and per-file min/max statistics (`DeltaTable.file_uris` with a
`file_pruning_predicate`), and the rows of those files that match it, read with pyarrow.

Request (JSON on stdin): {"uri": "<folder>", "column": "activity_id", "values": [1, 2, ...]}.
Answer: {"files": <live files>, "scans": [{"value": v, "files": n, "rows": n}, ...]}.
"""
import json
import os
import sys

import pyarrow.compute as pc
from deltalake import DeltaTable


def main() -> None:
    request = json.load(sys.stdin)
    dt = DeltaTable(request["uri"])
    column = request["column"]
    scans = []
    for value in request["values"]:
        predicate = f"{column} = {int(value)}"
        kept = dt.file_uris(file_pruning_predicate=predicate)
        rows = 0
        if kept:
            dataset = dt.to_pyarrow_dataset(file_pruning_predicate=predicate)
            rows = dataset.to_table(filter=pc.field(column) == int(value)).num_rows
        scans.append({"value": value, "files": len(kept), "rows": rows})
    json.dump({"files": len(dt.file_uris()), "scans": scans}, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    os._exit(0)
