"""Run by tests/evaluator/test_distributed.py under torchrun (2 CPU processes, gloo): the image
runner's sharding and how the ranks agree on a failure. Each rank writes what it saw as JSON."""

from __future__ import annotations

import datetime
import json
import os
import sys

import torch
import torch.distributed as dist

from harness.errors import HarnessError
from harness.evaluator import distributed
from harness.evaluator.runner import CollatedBatch, InferenceRunner


class Numbers:
    def __len__(self):
        return 12

    def __getitem__(self, i):
        return i


def collate(items):
    return CollatedBatch({"x": torch.tensor(items, dtype=torch.float32)}, [{"item": i} for i in items])


def main(out: str) -> None:
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    rank = dist.get_rank()
    ctx = distributed.DistContext(rank, dist.get_world_size(), rank)
    distributed._CURRENT = ctx
    report: dict = {}

    # 1. sharding: each rank runs a share of the batches; every rank gets every output and note
    seen = []

    def double(batch):
        seen.extend(int(v) for v in batch["x"])
        return batch["x"] * 2

    runner = InferenceRunner(torch.device("cpu"), batch_size=2, progress=False)
    outputs, notes = runner.run_loader(Numbers(), [10] * 12, collate, double, desc="numbers")
    report["seen"] = sorted(seen)
    report["outputs"] = [float(o) for o in outputs]
    report["notes"] = [n["item"] for n in notes]

    # 2. out of memory on rank 1 only, at a fixed batch size: both ranks raise, none waits
    def oom_on_rank_1(batch):
        if rank == 1:
            raise torch.cuda.OutOfMemoryError("simulated")
        return batch["x"]

    try:
        runner.run_loader(Numbers(), [10] * 12, collate, oom_on_rank_1, desc="oom")
        report["oom"] = None
    except HarnessError as err:
        report["oom"] = str(err)

    # 3. rank 1 fails before the unit's gather; rank 0 meets the failure there, and both agree
    failure = None
    try:
        if rank == 1:
            raise HarnessError("xvnli/ar: cannot read the images")
        runner.run_loader(Numbers(), [10] * 12, collate, double, desc="xvnli/ar")
    except HarnessError as err:
        failure = err
    agreed = distributed.agree_on_unit(ctx, "xvnli/ar", failure)
    report["agreed"] = str(agreed)

    # 4. and the ranks are still in step for the next unit
    outputs, _ = runner.run_loader(Numbers(), [10] * 12, collate, lambda b: b["x"] + 1, desc="xvnli/es")
    report["next"] = [float(o) for o in outputs]
    with open(os.path.join(out, f"rank{rank}.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])
