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
from harness.evaluator.runner import InferenceRunner

# Run as a script: the repository root is not on sys.path, this file's folder is.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.evaluator.numbers_dataset import Numbers, collate  # noqa: E402


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

    # 5. out of memory on rank 1 only under the automatic budget: rank 1 halves its budget; the
    # next calls must plan under one budget on both ranks, or their shares miss examples
    auto = InferenceRunner(torch.device("cpu"), max_tokens=40, progress=False)

    def oom_on_rank_1_for_big_batches(batch):
        if rank == 1 and len(batch["x"]) > 2:
            raise torch.cuda.OutOfMemoryError("simulated")
        return batch["x"]

    outputs, _ = auto.run_loader(Numbers(), [10] * 12, collate, oom_on_rank_1_for_big_batches, desc="xgqa/de")
    report["backed_off"] = [float(o) for o in outputs]
    outputs, notes = auto.run_loader(Numbers(), [10] * 12, collate, lambda b: b["x"] * 3, desc="xgqa/en")
    report["after_back_off"] = [float(o) for o in outputs]
    report["after_back_off_notes"] = [n.get("item") for n in notes]
    features = [{"input_ids": [i] * 10} for i in range(12)]
    texts = auto.run(features, lambda b: b["input_ids"][:, 0].float(), {"input_ids": 0}, desc="xnli/de")
    report["text_after_back_off"] = [float(o) for o in texts]
    report["budget"] = auto.max_tokens
    with open(os.path.join(out, f"rank{rank}.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])
