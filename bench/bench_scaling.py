"""Data-parallel scaling: `torchrun --nproc_per_node N -m harness eval` on 1 and N processes.

    python bench/bench_scaling.py [--gpus N | --cpu-procs N] [--size small|base|large] [--examples N]

Times the whole command (start-up, model loading, tokenising, the sharded forward passes, the
gather to rank 0 and the files rank 0 writes) on XNLI-style pairs from the Tatoeba files, and
checks that both runs give the same results. On GPUs each rank takes one card (NCCL, bf16
autocast); with ``--cpu-procs`` the ranks share the CPU cores (gloo), one thread each — and so does
the one-process run (both get OMP_NUM_THREADS=1), so the CPU speed-up is N single-threaded
processes against one single-threaded process, not against a default run that uses every core.
The report says so (``threads_per_process``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_kinds import pair_data  # noqa: E402
from bench.common import build_model  # noqa: E402


def timed_eval(procs: int, model: Path, data: Path, out: Path, device: str) -> float:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={procs}",
               "-m", "harness", "eval", "--model", str(model), "--tasks", "xnli", "--languages", "en",
               "--data_dir", f"xnli={data}", "--output_path", str(out), "--device", device]
    if device == "cuda":
        command += ["--model_args", "autocast=bfloat16"]
    env = {**os.environ, "HARNESS_TOKEN_CACHE": "0"}
    if device == "cpu":
        env["OMP_NUM_THREADS"] = "1"
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gpus", type=int, default=0)
    parser.add_argument("--cpu-procs", type=int, default=0)
    parser.add_argument("--size", default="large")
    parser.add_argument("--examples", type=int, default=20000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    procs, device = (args.gpus, "cuda") if args.gpus else (args.cpu_procs or 2, "cpu")
    work = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    pairs = pair_data(work, args.examples)
    model = build_model(work / "model", [t for pair in pairs for t in pair], args.size, "sequence_classification",
                        ["entailment", "neutral", "contradiction"])
    one = timed_eval(1, model, work / "xnli", work / "run-1", device)
    many = timed_eval(procs, model, work / "xnli", work / f"run-{procs}", device)
    results = [json.loads((work / name / "results.json").read_text())["results"] for name in ("run-1", f"run-{procs}")]
    report = {"device": device, "processes": procs, "examples": len(pairs), "model": f"random BERT-{args.size}",
              "one_process_s": round(one, 2), f"{procs}_processes_s": round(many, 2),
              "speed_up": round(one / many, 3), "same_results": results[0] == results[1],
              # CPU: both runs pinned to one thread per process (OMP_NUM_THREADS=1 in timed_eval)
              "threads_per_process": 1 if device == "cpu" else "default"}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
