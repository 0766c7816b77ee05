#!/usr/bin/env bash
# Installs the Python/Java test oracles into .oracles/ (git-ignored): a venv with delta-rs
# (deltalake), pyspark + delta-spark and moto[server], plus Delta's jars from Maven Central so
# Spark never resolves packages at start-up. Idempotent: re-running is quick when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every missing prerequisite named at once, before anything is installed.
missing=()
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=("Python 3 with venv (python3, e.g. apt-get install python3-venv)")
fi
java_major=$( (java -version 2>&1 || true) | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  missing+=("Java 17 or later (java, e.g. apt-get install openjdk-17-jdk-headless)")
fi
if ! command -v mvn >/dev/null 2>&1; then
  missing+=("Maven (mvn, e.g. apt-get install maven)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  list=$(printf '%s; ' "${missing[@]}")
  echo "error: setup:oracles needs what is missing here: ${list%; }. Install it, then run npm run setup:oracles again." >&2
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "note: Go is not installed; the oracles do not need it, but .ci/run's workflow lint (actionlint) does." >&2
fi

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
