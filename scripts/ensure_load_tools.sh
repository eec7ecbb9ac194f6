#!/usr/bin/env bash
# Makes sure Debian's wrk and hey are installed for `make bench-http`: compiled load generators, lighter than what
# they measure (a Python generator on the same two cores took a third of them and set the pages four times too low).
set -euo pipefail

if command -v wrk >/dev/null && command -v hey >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "wrk or hey is missing and installing it needs root: apt-get install wrk hey" >&2; exit 1; }
else
  SUDO=
fi
echo "Installing Debian's wrk and hey…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends wrk hey >/dev/null
wrk -v 2>&1 | head -1 || true
