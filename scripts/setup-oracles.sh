#!/usr/bin/env bash
# Installs the Python/Java test oracles into .oracles/ (git-ignored): a venv with delta-rs
# (deltalake), pyspark + delta-spark and moto[server], plus Delta's jars from Maven Central so
# Spark never resolves packages at start-up. Idempotent: re-running is quick when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
root=.oracles
req=scripts/oracles-requirements.txt
mkdir -p "$root"

if [ ! -x "$root/venv/bin/python" ]; then
  python3 -m venv "$root/venv"
fi
if ! cmp -s "$req" "$root/requirements.installed" 2>/dev/null; then
  "$root/venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$root/requirements.installed"
fi

delta_version=$(sed -n 's/^delta-spark==//p' "$req")
jars="$root/jars"
if [ ! -f "$jars/delta-spark_2.13-$delta_version.jar" ] || [ ! -f "$jars/delta-storage-$delta_version.jar" ]; then
  mkdir -p "$jars"
  for artifact in "io.delta:delta-spark_2.13:$delta_version" "io.delta:delta-storage:$delta_version"; do
    mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$jars" -Dmdep.useBaseVersion=true
  done
fi
echo "oracles ready in $root"
