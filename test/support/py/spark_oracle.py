"""Test oracle: one local Spark session with Delta Lake, answering requests until stdin closes.

Start-up costs seconds (a JVM), so a test file starts this once and sends it several requests.
Each request is one JSON line on stdin: {"op": "read" | "sql", "path": ..., "sql": ...}.
Each answer is one line on stdout, prefixed with ANSWER_PREFIX (Spark may print other lines):
{"ok": true, ...} or {"ok": false, "error": "..."}.

- read: spark.read.format("delta").load(path) -> schema (Spark type names) and rows, with
  timestamps as exact epoch microseconds (unix_micros), not zone-dependent Python datetimes.
- sql: any statement (DESCRIBE HISTORY delta.`path`, DESCRIBE DETAIL ...) -> rows as JSON.
"""
import glob
import json
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import TimestampType

ANSWER_PREFIX = "@@oracle "


def session(jars_dir: str) -> SparkSession:
    jars = sorted(glob.glob(os.path.join(jars_dir, "*.jar")))
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("strava-lakehouse-oracle")
        .config("spark.jars", ",".join(jars))
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "768m")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read(spark: SparkSession, path: str) -> dict:
    df = spark.read.format("delta").load(path)
    schema = [
        {"name": f.name, "type": f.dataType.simpleString(), "nullable": f.nullable} for f in df.schema.fields
    ]
    exact = df.select(
        [
            F.unix_micros(F.col(f.name)).alias(f.name) if isinstance(f.dataType, TimestampType) else F.col(f.name)
            for f in df.schema.fields
        ]
    )
    return {"schema": schema, "rows": [r.asDict() for r in exact.collect()]}


def sql(spark: SparkSession, statement: str) -> dict:
    return {"rows": [r.asDict(recursive=True) for r in spark.sql(statement).collect()]}


def main() -> None:
    spark = session(sys.argv[1])
    print(ANSWER_PREFIX + json.dumps({"ok": True, "spark": spark.version}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            if request["op"] == "read":
                answer = read(spark, request["path"])
            else:
                answer = sql(spark, request["sql"])
            answer["ok"] = True
        except Exception as err:  # the test shows the message; the session stays up
            answer = {"ok": False, "error": str(err)[:4000]}
        print(ANSWER_PREFIX + json.dumps(answer, default=str), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
