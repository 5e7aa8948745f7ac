"""BUCC mining time and peak memory on synthetic embeddings, each size in a fresh process.

    python bench/bench_bucc.py [--sizes 10000,50000,100000] [--dim 768] [--device cpu|cuda]

Peak memory is the process's peak resident set size during mining minus its current resident
size just before (``/proc/self/statm``, after the embeddings exist and the scratch noise array is
freed), so it measures what mining adds (bounded by the chunk sizes, not by n²). The kernel's peak
is reset first (``/proc/self/clear_refs``, Linux ≥ 4.0): building the embeddings peaks higher than
they finally take, and a lifetime peak would count that. Where the reset is refused the report says
``peak_reset: false`` and the figure is an upper bound. With
``--device cuda`` the nearest-neighbour search runs on the GPU and its peak GPU memory is
reported too (issue 7: ``--sizes 400000 --dim 1024 --device cuda``, BUCC at full size).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def current_rss_kib() -> int:
    """Resident set size now (not the lifetime peak ru_maxrss reports)."""
    import os

    with open("/proc/self/statm", encoding="ascii") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") // 1024


def reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")  # 5: reset the peak RSS to the current RSS
        return True
    except OSError:
        return False


def peak_rss_kib() -> int:
    """The peak RSS since the last reset (VmHWM), else the lifetime peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def one(n: int, dim: int, device: str) -> dict:
    import numpy as np
    import torch

    from harness.metrics.bucc import bucc_margin_scores, mine_max
    from harness.metrics.retrieval import l2_normalize

    rng = np.random.default_rng(0)
    y = l2_normalize(rng.standard_normal((n, dim), dtype=np.float32))
    noise = rng.standard_normal((n, dim), dtype=np.float32)
    x = l2_normalize(y + 0.5 * noise / np.sqrt(dim))  # every x has a noisy true partner
    del noise
    gpu = device.startswith("cuda")
    if gpu:
        torch.cuda.reset_peak_memory_stats()
    base = current_rss_kib()
    peak_reset = reset_peak_rss()
    start = time.perf_counter()
    scores = bucc_margin_scores(x, y, k=4, device=device)
    search_s = time.perf_counter() - start
    pairs = mine_max(*scores)
    seconds = time.perf_counter() - start
    peak = peak_rss_kib()
    correct = sum(1 for s, t, _ in pairs if s == t)
    report = {"n_per_side": n, "dim": dim, "device": torch.cuda.get_device_name() if gpu else "cpu",
              "seconds": round(seconds, 2), "search_s": round(search_s, 2),
              "extra_peak_mib": round((peak - base) / 1024, 1), "peak_reset": peak_reset,
              "embeddings_mib": round(2 * n * dim * 4 / 2**20, 1), "full_matrix_would_be_mib": round(n * n * 4 / 2**20),
              "mined": len(pairs), "correct": correct}
    if gpu:
        report["gpu_peak_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.dim, args.device)))
        return
    for n in map(int, args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--dim", str(args.dim), "--device", args.device],
                             capture_output=True, text=True, check=True).stdout
        print(out.strip(), flush=True)


if __name__ == "__main__":
    main()
