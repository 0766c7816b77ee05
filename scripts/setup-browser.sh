#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed for the browser tests (npm run test:browser), which
# drive it with puppeteer-core: no browser is ever downloaded by npm. When `chromium` is missing
# it runs `apt-get install -y chromium` (as root, or through sudo), saying so on stderr.
# Idempotent: nothing is installed when chromium is already there.
#
# Prints the executable's path on stdout (the tests find it the same way, or take CHROMIUM_PATH).
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: setup-browser needs Debian's chromium and there is no apt-get here. Install Chromium, then set CHROMIUM_PATH to its executable." >&2
    exit 1
  fi
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: installing chromium needs root. Run as root: apt-get install -y chromium" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "setup-browser: chromium is not installed; running apt-get install -y chromium" >&2
  if ! "${as_root[@]}" apt-get install -y chromium >&2; then
    # A fresh machine may not have the package lists yet.
    echo "setup-browser: the install failed; running apt-get update, then the install again" >&2
    "${as_root[@]}" apt-get update >&2
    "${as_root[@]}" apt-get install -y chromium >&2
  fi
fi

path=$(command -v chromium)
echo "setup-browser: $("$path" --version 2>/dev/null || echo 'chromium (version unknown)') at $path" >&2
echo "$path"
