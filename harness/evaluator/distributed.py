"""Data-parallel evaluation under torchrun, through torch.distributed.

Every rank plans the same length-sorted batches; each takes a share balanced by padded tokens,
runs it, and the per-example outputs are gathered so that every rank holds all of them (later
steps such as nearest-neighbour search need the whole set). Rank 0 alone computes and writes
results. A batch's composition does not depend on the number of ranks, so the outputs — and the
results — equal a single-process run's.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Sequence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world_size > 1

    def all_gather(self, obj: Any) -> list[Any]:
        if not self.active:
            return [obj]
        import torch.distributed as dist

        gathered: list[Any] = [None] * self.world_size
        dist.all_gather_object(gathered, obj)
        return gathered

    def barrier(self) -> None:
        if self.active:
            import torch.distributed as dist

            dist.barrier()


SINGLE = DistContext()
_CURRENT = SINGLE


def current() -> DistContext:
    return _CURRENT


def init_from_env(device_name: str | None) -> tuple[DistContext, str | None]:
    """Join the process group torchrun describes in the environment (WORLD_SIZE > 1).

    gloo on CPU, NCCL on CUDA; each rank takes the GPU of its LOCAL_RANK. Returns the context and
    the device this rank should use."""
    global _CURRENT
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return SINGLE, device_name
    import torch
    import torch.distributed as dist

    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    wants_cuda = device_name is None and torch.cuda.is_available() or (device_name or "").startswith("cuda")
    if wants_cuda:
        torch.cuda.set_device(local)
        device_name = f"cuda:{local}"
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if wants_cuda else "gloo")
    _CURRENT = DistContext(rank, world, local)
    if rank != 0:  # one rank reports; the others only warn
        logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    log.info("rank %d of %d on %s", rank, world, device_name or "cpu")
    return _CURRENT, device_name


def shard_batches(batches: Sequence[Sequence[int]], lengths: Sequence[int], world_size: int) -> list[list[int]]:
    """Batch numbers for each rank: greedily to the least-loaded rank, load = padded tokens."""
    loads = [0] * world_size
    shares: list[list[int]] = [[] for _ in range(world_size)]
    for number, batch in enumerate(batches):
        cost = len(batch) * max(lengths[i] for i in batch)
        rank = min(range(world_size), key=lambda r: (loads[r], r))
        shares[rank].append(number)
        loads[rank] += cost
    return shares


def sharded_knn(queries, index, k: int, device: str | None = None):
    """:func:`harness.metrics.retrieval.knn_cosine` with the queries split across the ranks (each
    searches the whole index for its slice) and the results gathered: BUCC-sized mining on
    several GPUs. Each query's result does not depend on the slicing, so it equals one search."""
    import numpy as np

    from harness.metrics.retrieval import knn_cosine

    dist = current()
    if not dist.active:
        return knn_cosine(queries, index, k, device=device)
    bounds = np.linspace(0, len(queries), dist.world_size + 1).astype(int)
    mine = knn_cosine(queries[bounds[dist.rank]:bounds[dist.rank + 1]], index, k, device=device)
    parts = dist.all_gather(mine)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
