#!/usr/bin/env bash
# The GPU figures of issue 7, as one prepared run on a CUDA machine (BENCHMARKS.md, "GPU").
#
#   bash bench/gpu_checks.sh [OUT_DIR]
#
# 1. XLM-R Large shapes (24 layers, 1024 hidden; random weights) on XNLI-sized input (5,010
#    pairs) in bf16 autocast: harness eval vs the forward floor and a naive loop, examples/s and
#    the model FLOP/s reached (set it against the card's peak bf16 matmul rate).
# 2. BUCC mining at full size: 400,000 × 400,000 sentences, 1024-d, on the GPU: time and peak memory.
# 3. With two or more GPUs: the same eval under torchrun on 2 GPUs (NCCL) vs 1, for the scaling.
# The python on PATH needs the project's dependencies (datasets and jsonlines are not in every
# CUDA image: install the wheels first); figures go to OUT_DIR/*.json and stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-${OUT:-$ROOT/out}}"
mkdir -p "$OUT"
cd "$ROOT"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HARNESS_CACHE="${HARNESS_CACHE:-/tmp/harness-gpu-cache}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"

python3 bench/bench_kinds.py --kinds classifier --size large --examples 5010 --device cuda --autocast bfloat16 \
    --json "$OUT/xnli_large_bf16.json"
python3 bench/bench_bucc.py --sizes 400000 --dim 1024 --device cuda | tee "$OUT/bucc_400k.json"

gpus=$(nvidia-smi --list-gpus | wc -l)
if [ "$gpus" -ge 2 ]; then
    python3 bench/bench_scaling.py --gpus 2 --examples 20000 --json "$OUT/scaling.json"
else
    echo "one GPU: data-parallel scaling not measured" | tee "$OUT/scaling.txt"
fi
