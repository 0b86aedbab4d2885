#!/usr/bin/env bash
# System packages the test suite needs, installed from Debian only when missing:
# - a PostgreSQL server (tests start their own throw-away cluster on 127.0.0.1);
# - Chromium for the browser test of brief.html (Playwright drives Debian's build; we never run
#   `playwright install`, which would download a browser from outside the package registries).
set -euo pipefail
packages=()
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  packages+=(postgresql)
fi
if [ ! -x /usr/bin/chromium ]; then
  packages+=(chromium fonts-dejavu-core)
fi
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing system packages and this user cannot install them: apt-get install ${packages[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
