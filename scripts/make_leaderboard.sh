#!/usr/bin/env bash
# Regenerate the committed leaderboard/ from the demo runs (offline): the demo checkpoints with
# and without intermediate training, on XTREME and IGLUE.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
cd "$ROOT"
harness sweep --checkpoints checkpoints.yaml --tasks xtreme,iglue --results runs/demo-board \
    --only demo,demo-intermediate
harness leaderboard runs/demo-board --checkpoints checkpoints.yaml --out leaderboard
