#!/usr/bin/env bash
# System packages the test suite needs: a PostgreSQL server (tests start their own throw-away
# cluster on 127.0.0.1). Installs from Debian only when missing.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "PostgreSQL is missing and this user cannot install it: apt-get install postgresql" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq postgresql >/dev/null
