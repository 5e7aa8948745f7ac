"""A DataLoader dataset whose item i is the number i, and its collate function: what the image
runner's workers would hand over, shared by the in-process and the torchrun tests."""

from __future__ import annotations

import torch

from harness.evaluator.runner import CollatedBatch


class Numbers:
    """A dataset whose item i is the number i (what a worker would decode)."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        return i


def collate(items):
    # A note per example, and some preparation time, as a worker decoding images reports them.
    return CollatedBatch({"x": torch.tensor(items, dtype=torch.float32)}, [{"item": i} for i in items], 0.01)
