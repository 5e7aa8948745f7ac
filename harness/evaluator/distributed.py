"""Data-parallel evaluation under torchrun, through torch.distributed.

Every rank plans the same length-sorted batches; each takes a share balanced by padded tokens,
runs it, and the per-example outputs are gathered so that every rank holds all of them (later
steps such as nearest-neighbour search need the whole set). Rank 0 alone computes and writes
results. A batch's composition does not depend on the number of ranks, so the outputs — and the
results — equal a single-process run's.

Failures: a HarnessError on one rank only (out of memory on one example, say) must not leave the
others waiting at the next collective until the NCCL timeout. Each gather carries the rank's
error with its outputs, so every rank raises the same error together; and after each task ×
language unit the ranks agree on its outcome (:func:`agree_on_unit`), so a rank that failed
before reaching a gather is met there and all ranks record the failure and go on in step. Every
collective inside a unit goes through :func:`gather_step`, which carries these tags. Collectives
that nonetheless meet out of step raise an error instead of mixing outputs.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any, Sequence

from harness.errors import HarnessError

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


class PeerFailure(HarnessError):
    """Raised on the ranks that did not fail themselves: another rank's error, shared."""


class Failure:
    """What went wrong on this rank inside a :func:`shared_failure` block (None: nothing)."""

    message: str | None = None


@contextlib.contextmanager
def shared_failure(dist: DistContext):
    """Under torchrun, hold a HarnessError raised in the block instead of raising it, so that this
    rank still reaches the gather that follows and tells the others (see :func:`gather_or_fail`);
    in one process, let it raise."""
    failure = Failure()
    try:
        yield failure
    except HarnessError as err:
        if not dist.active:
            raise
        failure.message = str(err)


def gather_step(dist: DistContext, step: str, payload: Any, failure: str | None = None) -> list[Any]:
    """Every rank's ``payload`` for one step of a unit, in rank order — or the first failing rank's
    error raised on every rank.

    ``step`` names the collective (the task/language being run): ranks meeting at different
    steps are out of step — an error, never a silent mix of two units' outputs. A rank that meets
    this gather from :func:`agree_on_unit` left the unit early (it failed, or found nothing to
    do): its error is raised here, and every rank goes on to :func:`agree_on_unit`."""
    parts = dist.all_gather(("outputs", step, payload, failure))
    for rank, part in enumerate(parts):
        if part[0] == "unit":
            raise PeerFailure(f"{part[3] or 'left the unit before this step'} (on rank {rank})")
    steps = sorted({part[1] for part in parts})
    if len(steps) > 1:
        raise RuntimeError(f"torch.distributed ranks out of step: they reached {', '.join(steps)} together")
    for rank, part in enumerate(parts):
        if part[3] is not None:
            message = part[3] if rank == dist.rank else f"{part[3]} (on rank {rank})"
            raise HarnessError(message) if rank == dist.rank else PeerFailure(message)
    return [part[2] for part in parts]


def gather_or_fail(dist: DistContext, step: str, done: dict, failure: Failure, expected: int) -> dict:
    """Every rank's ``done`` (example index → output) merged through :func:`gather_step`; every
    index below ``expected`` must have come back from some rank. A gap means the ranks ran
    shares of different batch plans — a bug, raised rather than scored as missing outputs."""
    merged: dict = {}
    for part in gather_step(dist, step, done, failure.message):
        merged.update(part)
    missing = [index for index in range(expected) if index not in merged]
    if missing:
        raise RuntimeError(f"torch.distributed: {step}: no rank computed {len(missing)} of {expected} examples "
                           f"(first: {missing[:5]}); the ranks planned different batches")
    return merged


def agree_on_budget(dist: DistContext, step: str, max_tokens: int | None) -> int | None:
    """The smallest token budget of any rank, the same on every rank. A rank that ran out of
    memory halved its own budget; every rank must plan the next batches under the same budget,
    or their shares would be of two different plans and some examples of neither."""
    budgets = [b for b in gather_step(dist, f"{step} (token budget)", max_tokens) if b is not None]
    return min(budgets) if budgets else max_tokens


def agree_on_unit(dist: DistContext, where: str, failure: HarnessError | None) -> HarnessError | None:
    """The outcome of a task × language unit, the same on every rank: None when every rank
    finished it, else the failure of the first rank that failed on its own (a peer's failure
    only repeats it). A rank that failed before a gather its peers were waiting at meets them
    there (they raise :class:`PeerFailure`) and once more here."""
    if not dist.active:
        return failure

    def payload():
        if failure is None:
            return ("unit", where, None, None, False)
        return ("unit", where, type(failure).__name__, str(failure), isinstance(failure, PeerFailure))

    parts = dist.all_gather(payload())
    if any(part[0] != "unit" for part in parts):  # peers were inside the unit: they come here next
        parts = dist.all_gather(payload())
    if any(part[0] != "unit" or part[1] != where for part in parts):
        raise RuntimeError(f"torch.distributed ranks out of step after {where}")
    failed = [(rank, part) for rank, part in enumerate(parts) if part[3] is not None]
    if not failed:
        return None
    if failure is not None and not isinstance(failure, PeerFailure):
        return failure
    rank, part = next(((r, p) for r, p in failed if not p[4]), failed[0])
    from harness.errors import TaskStopped

    kind = TaskStopped if part[2] == "TaskStopped" else HarnessError
    return kind(part[3] if part[4] else f"{part[3]} (on rank {rank})")


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


def sharded_knn(queries, index, k: int, device: str | None = None, step: str = "nearest neighbours"):
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
    parts = gather_step(dist, step, mine)  # tagged like every gather, so a peer that left the unit is met
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
