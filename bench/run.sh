#!/usr/bin/env bash
# make bench: install wrk from Debian when it is missing, then run the benchmark (bench/run.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
    echo "Installing Debian's wrk for the benchmark..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
exec .venv/bin/python bench/run.py "$@"
