#!/usr/bin/env bash
# Makes sure Debian's Chromium and its driver are installed for the browser journeys (tests/e2e). Playwright
# drives /usr/bin/chromium; it never downloads a browser of its own (`playwright install` is not used).
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "Chromium is missing and installing it needs root: apt-get install chromium chromium-driver" >&2; exit 1; }
else
  SUDO=
fi
echo "Installing Debian's chromium and chromium-driver…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
