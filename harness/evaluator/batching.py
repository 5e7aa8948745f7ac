"""Length-sorted batches bounded by a token budget, and their dynamic padding."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np


# A batch is closed once the next (shorter) example would be padded by more than this share of
# the batch's longest length: padding is wasted compute, and a few more, smaller batches cost
# little next to it.
PAD_SLACK = 0.1


def plan_batches(lengths: Sequence[int], max_tokens: int | None, max_examples: int | None,
                 pad_slack: float | None = PAD_SLACK) -> list[list[int]]:
    """Indices grouped into batches, longest first, so that each batch's padded size
    (examples × longest length) stays within ``max_tokens``, its size within ``max_examples``,
    and no example is padded by more than ``pad_slack`` of the longest (None: no such limit).

    Sorting by length keeps padding near zero; the order within equal lengths is the original
    order, so the plan is deterministic."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        length = max(1, lengths[i])
        grown = max(longest, length)
        too_many = max_examples is not None and len(current) >= max_examples
        too_big = max_tokens is not None and (len(current) + 1) * grown > max_tokens
        too_short = pad_slack is not None and length < longest * (1 - pad_slack)
        if current and (too_many or too_big or too_short):
            batches.append(current)
            current, grown = [], length
        current.append(i)
        longest = grown
    if current:
        batches.append(current)
    return batches


def pad_batch(features: Sequence[Mapping[str, Sequence[int]]], pad_values: Mapping[str, int]) -> dict[str, np.ndarray]:
    """Right-pad each field to the batch's longest sequence; attention_mask marks real tokens."""
    longest = max(len(f["input_ids"]) for f in features)
    out: dict[str, np.ndarray] = {}
    keys = [k for k in features[0] if k != "attention_mask"]
    for key in keys:
        array = np.full((len(features), longest), pad_values.get(key, 0), dtype=np.int64)
        for row, feature in enumerate(features):
            values = feature[key]
            array[row, : len(values)] = values
        out[key] = array
    mask = np.zeros((len(features), longest), dtype=np.int64)
    for row, feature in enumerate(features):
        mask[row, : len(feature["input_ids"])] = 1
    out["attention_mask"] = mask
    return out
