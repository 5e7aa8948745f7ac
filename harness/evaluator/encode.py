"""Sentence embeddings for the retrieval tasks: one hidden layer, mean- or CLS-pooled.

When the layer asked for is below the top (XTREME's layer 14 of XLM-R Large's 24), the forward
pass stops right after it: the later layers cannot change it, so computing them is waste. The
first batch checks the early stop against ``output_hidden_states`` and falls back to the full
pass for any architecture where the two disagree.
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from harness.evaluator.token_cache import tokenize

log = logging.getLogger(__name__)


class _Stop(Exception):
    def __init__(self, hidden):
        self.hidden = hidden


def find_layer_stack(model):
    """The ModuleList of transformer layers (e.g. ``encoder.layer`` in BERT)."""
    import torch

    count = getattr(model.config, "num_hidden_layers", None)
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == count and "layer" in name.split(".")[-1]:
            return module
    return None


def _first_tensor(value):
    if isinstance(value, (tuple, list)):
        return value[0]
    return getattr(value, "last_hidden_state", value)


def _run_to_layer(model, batch, layer: int, stack):
    def grab_input(module, args, kwargs):
        hidden = args[0] if args else kwargs.get("hidden_states")
        raise _Stop(hidden)

    def grab_output(module, args, output):
        raise _Stop(_first_tensor(output))

    handle = (stack[0].register_forward_pre_hook(grab_input, with_kwargs=True) if layer == 0
              else stack[layer - 1].register_forward_hook(grab_output))
    try:
        model(**batch)
    except _Stop as stop:
        return stop.hidden
    finally:
        handle.remove()
    raise RuntimeError("the layer hook did not fire")


class LayerReader:
    """Reads ``hidden_states[layer]`` (0 = embeddings), stopping early where that is exact."""

    def __init__(self, model, layer: int):
        self.model = model
        self.layer = layer
        total = getattr(model.config, "num_hidden_layers", None)
        self.stack = find_layer_stack(model) if total is not None and layer < total else None
        self.verified = self.stack is None

    def full(self, batch):
        return self.model(**batch, output_hidden_states=True).hidden_states[self.layer]

    def __call__(self, batch):
        import torch

        if self.stack is None:
            return self.full(batch)
        early = _run_to_layer(self.model, batch, self.layer, self.stack)
        if not self.verified:
            reference = self.full(batch)
            if early is None or early.shape != reference.shape or not torch.allclose(
                early.float(), reference.float().to(early.device), atol=1e-4, rtol=1e-4
            ):
                log.info("early stop at layer %d does not match hidden_states for %s; using full passes",
                         self.layer, type(self.model).__name__)
                self.stack = None
                return reference
            self.verified = True
        return early


def pool(hidden, mask, pooling: str):
    """Sentence vectors from one layer's hidden states. With a device_map (accelerate), that layer
    may sit on another GPU than the inputs: the mask follows the hidden states."""
    if pooling == "cls":
        return hidden[:, 0].float()
    mask = mask.to(hidden.device).unsqueeze(-1).to(hidden.dtype)
    return ((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)).float()


def encode_sentences(loaded, runner, texts: Sequence[str], layer: int, pooling: str, max_length: int,
                     desc: str = "encode", memo: dict | None = None) -> np.ndarray:
    """(n, hidden) float32 sentence embeddings, in the order of ``texts``.

    With ``memo`` (text → embedding, for one model, layer, pooling and length), sentences met
    before are not encoded again: Tatoeba's English sides repeat across languages (about one
    English line in nine), and a sentence's embedding does not depend on its batch."""
    width = loaded.config.hidden_size
    todo = list(dict.fromkeys(t for t in texts if memo is None or t not in memo))
    fresh = np.zeros((0, width), dtype=np.float32)
    if todo:
        reader = LayerReader(loaded.model, layer)
        features = tokenize(loaded.tokenizer, todo, max_length=max_length)

        def forward(batch):
            return pool(reader(batch), batch["attention_mask"], pooling)

        pad = {"input_ids": loaded.tokenizer.pad_token_id or 0}
        fresh = np.stack(runner.run(features, forward, pad, desc=desc))
    if memo is None and len(todo) == len(texts):
        return fresh
    found = dict(zip(todo, fresh))
    if memo is not None:
        memo.update(found)
        found = memo
    return np.stack([found[t] for t in texts]) if texts else np.zeros((0, width), dtype=np.float32)
