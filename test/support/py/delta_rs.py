"""Test oracle: reads a Delta table with delta-rs (the `deltalake` package) and prints what it
sees as one JSON object on stdout.

Request (JSON on stdin): {"uri": "<folder or s3://...>", "storage_options": {...}, "scan": "query"?}.
With "scan": "query" the rows come from delta-rs's DataFusion scan (QueryBuilder), which applies
deletion vectors and column mapping; `to_pyarrow_table` (the default) refuses deletion vectors
and, in deltalake 1.6.6, reads column-mapped data columns as nulls.
Answer: version, delta-rs version, protocol, metadata, schema (delta-rs type names), rows
(timestamps as epoch microseconds), per-file partition values, history (newest first).
"""
import json
import os
import sys

import deltalake
import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, QueryBuilder


def plain_rows(table: pa.Table) -> list:
    columns = {}
    for field in table.schema:
        column = table.column(field.name)
        if pa.types.is_timestamp(field.type):
            # Exact epoch micros, not Python datetimes (which depend on the local zone).
            column = pc.cast(pc.cast(column, pa.timestamp("us", tz="UTC")), pa.int64())
        columns[field.name] = column.to_pylist()
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())] if names else []


def main() -> None:
    request = json.load(sys.stdin)
    dt = DeltaTable(request["uri"], storage_options=request.get("storage_options") or None)
    protocol = dt.protocol()
    metadata = dt.metadata()
    schema = json.loads(dt.schema().to_json())
    actions = pa.table(dt.get_add_actions(flatten=True)).to_pylist()
    answer = {
        "deltalake": deltalake.__version__,
        "version": dt.version(),
        "protocol": {
            "minReaderVersion": protocol.min_reader_version,
            "minWriterVersion": protocol.min_writer_version,
        },
        "metadata": {
            "id": metadata.id,
            "partitionColumns": metadata.partition_columns,
            "configuration": metadata.configuration,
        },
        "schema": [{"name": f["name"], "type": f["type"], "nullable": f["nullable"]} for f in schema["fields"]],
        "rows": plain_rows(
            pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all())
            if request.get("scan") == "query"
            else dt.to_pyarrow_table()
        ),
        "files": [
            {
                "path": a["path"],
                "partitionValues": {
                    k[len("partition."):]: v for k, v in a.items() if k.startswith("partition.")
                },
                "numRecords": a.get("num_records"),
            }
            for a in actions
        ],
        "history": [
            {
                "version": h.get("version"),
                "operation": h.get("operation"),
                "engineInfo": h.get("engineInfo"),
                "runId": h.get("runId"),
                "month": h.get("month"),
            }
            for h in dt.history()
        ],
    }
    json.dump(answer, sys.stdout, default=str)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    # Skip interpreter teardown: delta-rs's runtime threads can abort the process while exiting.
    os._exit(0)
