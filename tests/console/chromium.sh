#!/usr/bin/env bash
# Debian's Chromium, which the console's browser tests drive; installed only when missing.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
echo "installing Debian's chromium for the console's browser tests" >&2
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
