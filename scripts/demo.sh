#!/usr/bin/env bash
# Set up (first time) and run the embedded demo: tiny local checkpoints on shipped sample sets, offline.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
cd "$ROOT"
harness eval --model demo --tasks xtreme,iglue --output_path runs/demo "$@"
