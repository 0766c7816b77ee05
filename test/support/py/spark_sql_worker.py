"""Runs SQL on a local Spark with Delta Lake for the Databricks parity tests.

One long-lived process per test file (Spark takes seconds to start). Requests arrive as JSON
lines on stdin; each answer is one stdout line starting with MARK, so stray output from Spark or
py4j cannot be mistaken for an answer.

  {"op": "sql", "text": ..., "args": {...}}             -> {"columns": [...], "rows": [[...]]}
  {"op": "csv_view", "view": ..., "path": ..., "options": {...}}  -> {}   (options may hold "schema")
  {"op": "view", "view": ..., "text": ..., "args": {...}}         -> {}

Values come back JSON-safe and exact: BIGINT as a decimal string, TIMESTAMP as epoch
microseconds (a decimal string), DOUBLE as a number (Python's repr round-trips), the rest as is.

Usage: spark_sql_worker.py <jars-dir>, run from a scratch folder (Spark writes its own files there).
"""

import json
import sys

from pyspark.errors import PySparkException
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, TimestampType

from spark_oracle import session

MARK = "@@spark-sql "


def start(jars_dir):
    """The oracles' Spark session (spark_oracle.py), tuned for many small MERGEs."""
    spark = session(jars_dir)
    # Delta rebuilds table state with 50 tasks by default: slow for tables this small.
    spark.conf.set("spark.databricks.delta.snapshotPartitions", "1")
    # Errors come back to the test as answers; Spark's own log of them is noise.
    spark.sparkContext.setLogLevel("OFF")
    return spark


def exact(df):
    """The DataFrame with BIGINT and TIMESTAMP columns as decimal strings."""
    cols = []
    for field in df.schema.fields:
        c = F.col(f"`{field.name}`")
        if isinstance(field.dataType, TimestampType):
            c = F.unix_micros(c).cast("string")
        elif isinstance(field.dataType, LongType):
            c = c.cast("string")
        cols.append(c.alias(field.name))
    return df.select(*cols)


def handle(spark, request):
    op = request["op"]
    if op == "sql":
        df = spark.sql(request["text"], args=request.get("args") or {})
        rows = exact(df).collect()
        return {"columns": df.columns, "rows": [list(r) for r in rows]}
    if op == "csv_view":
        # A `schema` option (read_files' all-text schema) is the reader's schema, not an option.
        options = dict(request["options"])
        schema = options.pop("schema", None)
        reader = spark.read.options(**options)
        df = (reader.schema(schema) if schema else reader).csv(request["path"])
        df.createOrReplaceTempView(request["view"])
        return {}
    if op == "view":
        # Spark takes no parameter markers in CREATE VIEW; a DataFrame binds them first.
        df = spark.sql(request["text"], args=request.get("args") or {})
        df.createOrReplaceTempView(request["view"])
        return {}
    raise ValueError(f"unknown op {op!r}")


def error_of(exc):
    if isinstance(exc, PySparkException):
        # str() keeps the position ("line 4 pos 1") that getMessage() leaves out.
        return {
            "message": str(exc),
            "condition": exc.getCondition(),
            "sqlState": exc.getSqlState(),
        }
    return {"message": f"{type(exc).__name__}: {exc}"}


def main():
    spark = start(sys.argv[1])
    print(MARK + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = {"id": request["id"], "result": handle(spark, request)}
        except Exception as exc:  # every failure goes back to the test, named
            answer = {"id": request["id"], "error": error_of(exc)}
        print(MARK + json.dumps(answer, allow_nan=False), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
