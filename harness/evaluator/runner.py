"""Batched inference: sorted batches under a token budget, inference mode, autocast on CUDA, and
out-of-memory back-off that halves the budget and retries.

Outputs are returned in the original example order, so predictions do not depend on batch size
or order (tests pin this).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Callable, Mapping, NamedTuple, Sequence

import numpy as np

from harness.errors import HarnessError
from harness.evaluator.batching import pad_batch, plan_batches
from harness.evaluator.distributed import agree_on_budget, current, gather_or_fail, shard_batches, shared_failure

log = logging.getLogger(__name__)

DEFAULT_TOKENS = {"cpu": 8192, "cuda": 65536}
DEFAULT_MAX_EXAMPLES = {"cpu": 256, "cuda": 2048}
Forward = Callable[[dict], "object"]
TOKENIZERS_PARALLELISM = "TOKENIZERS_PARALLELISM"


class CollatedBatch(NamedTuple):
    """What a collate function built in a DataLoader worker hands to :meth:`InferenceRunner.run_loader`."""

    inputs: dict  # tensors for ``forward`` (moved to the device by the runner)
    notes: list  # one dict per example (e.g. an unreadable image), returned beside the outputs
    prep_s: float = 0.0  # seconds the worker spent decoding and preprocessing this batch


@contextlib.contextmanager
def serial_tokenizers_in_workers(num_workers: int):
    """TOKENIZERS_PARALLELISM=false while DataLoader workers are forked (they tokenize too, and the
    Rust thread pool must not be forked mid-use), restored afterwards so that later text tasks in
    this process tokenize in parallel again."""
    if not num_workers:
        yield
        return
    previous = os.environ.get(TOKENIZERS_PARALLELISM)
    os.environ[TOKENIZERS_PARALLELISM] = "false"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(TOKENIZERS_PARALLELISM, None)
        else:
            os.environ[TOKENIZERS_PARALLELISM] = previous


class InferenceRunner:
    def __init__(self, device, batch_size: int | None = None, autocast: str = "none",
                 max_tokens: int | None = None, progress: bool | None = None, num_workers: int = 0):
        import torch

        self.device = torch.device(device) if isinstance(device, str) else device
        self.fixed = batch_size
        kind = "cuda" if self.device.type == "cuda" else "cpu"
        self.max_tokens = None if batch_size else (max_tokens or DEFAULT_TOKENS[kind])
        self.max_examples = batch_size or DEFAULT_MAX_EXAMPLES[kind]
        self.autocast = autocast if self.device.type == "cuda" else "none"
        if autocast != "none" and self.device.type != "cuda":
            log.warning("autocast=%s ignored on %s: mixed precision is used on CUDA only", autocast, self.device)
        self.progress = progress
        self.num_workers = num_workers
        # Where run_loader's time goes: waiting for workers' batches, in the model, and the
        # workers' own decode + preprocess seconds (hidden behind the model when workers > 0).
        self.timings = {"wait_s": 0.0, "model_s": 0.0, "prep_s": 0.0, "examples": 0}

    def describe(self) -> dict:
        return {"device": str(self.device), "batch_size": self.fixed or "auto", "max_tokens": self.max_tokens,
                "autocast": self.autocast, "num_workers": self.num_workers}

    def _context(self):
        import contextlib

        import torch

        if self.autocast == "none":
            return contextlib.nullcontext()
        dtype = {"bfloat16": torch.bfloat16, "float16": torch.float16}[self.autocast]
        return torch.autocast(device_type="cuda", dtype=dtype)

    def run(self, features: Sequence[Mapping[str, Sequence[int]]], forward: Forward,
            pad_values: Mapping[str, int], desc: str = "", per_token: bool = False) -> list[np.ndarray]:
        """Run ``forward`` over padded batches; one float32 array per example, in input order.

        ``forward`` gets a dict of tensors on the device and returns a tensor with the batch on
        its first axis (or a tuple of such tensors, stacked on a new last axis). With
        ``per_token`` the output is cut to each example's own length."""
        import torch

        dist = current()
        lengths = [len(f["input_ids"]) for f in features]
        results: list[np.ndarray | None] = [None] * len(features)
        batches = self._my_batches(dist, lengths, desc)
        bar = self._bar(sum(len(b) for b in batches), desc)
        position = 0
        with shared_failure(dist) as failure, torch.inference_mode():
            while position < len(batches):
                batch = batches[position]
                try:
                    output = self._forward_batch([features[i] for i in batch], forward, pad_values)
                except torch.cuda.OutOfMemoryError:
                    batches = self._back_off(batches, position, lengths)
                    continue
                for row, index in enumerate(batch):
                    results[index] = output[row, : lengths[index]] if per_token else output[row]
                bar.update(len(batch))
                position += 1
        bar.close()
        if dist.active:
            done = {i: out for i, out in enumerate(results) if out is not None}
            for index, out in gather_or_fail(dist, desc or "outputs", done, failure, len(features)).items():
                results[index] = out
        return results  # type: ignore[return-value]

    def _my_batches(self, dist, lengths: Sequence[int], desc: str) -> list[list[int]]:
        """The batches this rank runs: all of them in one process; under torchrun its share of
        the plan every rank makes — under the budget they agree on first, since an out-of-memory
        back-off on one rank halved only that rank's budget."""
        if dist.active and self.max_tokens is not None:
            self.max_tokens = agree_on_budget(dist, desc or "outputs", self.max_tokens)
        batches = plan_batches(lengths, self.max_tokens, self.max_examples)
        if not dist.active:
            return batches
        return [batches[number] for number in shard_batches(batches, lengths, dist.world_size)[dist.rank]]

    def _bar(self, total: int, desc: str):
        from tqdm.auto import tqdm

        show = self.progress if current().is_main else False
        return tqdm(total=total, desc=desc, unit="ex", leave=False, disable=None if show is None else not show)

    def run_loader(self, dataset, costs: Sequence[int], collate: Callable[[list], CollatedBatch], forward: Forward,
                   desc: str = "") -> tuple[list[np.ndarray], list[dict]]:
        """Like :meth:`run`, for examples whose inputs a DataLoader's workers build (decoding and
        preprocessing images there, in parallel with the model). ``costs`` are each example's
        tokens (text plus image patches): batches are planned under the same token budget, and
        halved on CUDA out-of-memory. Under torchrun each rank runs its share of the batches, and
        the outputs and notes are gathered to every rank. Returns outputs and ``collate``'s notes
        in input order."""
        import torch
        from torch.utils.data import DataLoader

        dist = current()
        results: list[np.ndarray | None] = [None] * len(costs)
        notes: list[dict] = [{} for _ in costs]
        batches = self._my_batches(dist, costs, desc)
        bar = self._bar(sum(len(b) for b in batches), desc)
        position = 0
        with shared_failure(dist) as failure, serial_tokenizers_in_workers(self.num_workers), torch.inference_mode():
            while position < len(batches):
                loader = DataLoader(dataset, batch_sampler=batches[position:], collate_fn=collate,
                                    num_workers=self.num_workers, pin_memory=self.device.type == "cuda")
                try:
                    waited = time.perf_counter()
                    for batch, collated in zip(batches[position:], loader):
                        started = time.perf_counter()
                        output = self._forward_tensors(collated.inputs, forward)
                        self._account(started - waited, time.perf_counter() - started, collated, len(batch))
                        for row, index in enumerate(batch):
                            results[index] = output[row]
                            notes[index] = collated.notes[row]
                        bar.update(len(batch))
                        position += 1
                        waited = time.perf_counter()
                except torch.cuda.OutOfMemoryError:
                    del loader
                    batches = self._back_off(batches, position, costs)
        bar.close()
        if dist.active:
            done = {i: (out, notes[i]) for i, out in enumerate(results) if out is not None}
            for index, (out, note) in gather_or_fail(dist, desc or "outputs", done, failure, len(costs)).items():
                results[index], notes[index] = out, note
        return results, notes  # type: ignore[return-value]

    def _account(self, wait_s: float, model_s: float, collated: CollatedBatch, count: int) -> None:
        self.timings["wait_s"] += wait_s
        self.timings["model_s"] += model_s
        self.timings["prep_s"] += collated.prep_s
        self.timings["examples"] += count

    def _forward_tensors(self, inputs: Mapping, forward: Forward) -> np.ndarray:
        import torch

        tensors = {k: v.to(self.device, non_blocking=True) if isinstance(v, torch.Tensor) else v
                   for k, v in inputs.items()}
        with self._context():
            output = forward(tensors)
        if isinstance(output, (tuple, list)):
            output = torch.stack([o.float() for o in output], dim=-1)
        output = output.detach()
        # Generated token ids stay integers; scores become float32 as in run().
        return (output.float() if output.is_floating_point() else output).cpu().numpy()

    def _forward_batch(self, batch_features, forward: Forward, pad_values) -> np.ndarray:
        import torch

        padded = pad_batch(batch_features, pad_values)
        tensors = {k: torch.from_numpy(v).to(self.device, non_blocking=True) for k, v in padded.items()}
        with self._context():
            output = forward(tensors)
        if isinstance(output, (tuple, list)):
            output = torch.stack([o.float() for o in output], dim=-1)
        return output.float().cpu().numpy()

    def _back_off(self, batches: list[list[int]], position: int, lengths: Sequence[int]) -> list[list[int]]:
        import torch

        torch.cuda.empty_cache()
        if self.fixed:
            raise HarnessError(
                f"CUDA out of memory at --batch_size {self.fixed}; use --batch_size auto or a smaller number"
            )
        remaining = [i for batch in batches[position:] for i in batch]
        longest = max(lengths[i] for i in batches[position])
        if self.max_tokens <= longest or len(batches[position]) == 1:
            raise HarnessError(f"CUDA out of memory on a single example of {longest} tokens (text and image patches); "
                               "lower max_length")
        self.max_tokens //= 2
        log.warning("CUDA out of memory: halving the batch token budget to %d and retrying", self.max_tokens)
        replanned = plan_batches([lengths[i] for i in remaining], self.max_tokens, self.max_examples)
        return batches[:position] + [[remaining[j] for j in batch] for batch in replanned]
