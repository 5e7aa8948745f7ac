import numpy as np
import pytest
import torch

from harness.errors import HarnessError
from harness.evaluator.batching import pad_batch, plan_batches
from harness.evaluator.runner import InferenceRunner


def test_batches_respect_token_budget_and_cover_every_index_once():
    lengths = [5, 17, 3, 3, 40, 12, 12, 8, 1, 30]
    batches = plan_batches(lengths, max_tokens=48, max_examples=None)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 48 or len(batch) == 1
    # longest first, so padding stays small
    assert [lengths[b[0]] for b in batches] == sorted((lengths[b[0]] for b in batches), reverse=True)


def test_fixed_batch_size_caps_examples():
    batches = plan_batches([3] * 10, max_tokens=None, max_examples=4)
    assert [len(b) for b in batches] == [4, 4, 2]


def test_pad_batch_right_pads_and_masks():
    padded = pad_batch([{"input_ids": [5, 6, 7], "token_type_ids": [0, 0, 1]}, {"input_ids": [5], "token_type_ids": [0]}],
                       {"input_ids": 0})
    assert padded["input_ids"].tolist() == [[5, 6, 7], [5, 0, 0]]
    assert padded["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert padded["token_type_ids"].tolist() == [[0, 0, 1], [0, 0, 0]]


def _features(n=23, seed=0):
    rng = np.random.default_rng(seed)
    return [{"input_ids": list(rng.integers(5, 50, size=int(rng.integers(2, 30))))} for _ in range(n)]


def test_outputs_come_back_in_input_order():
    feats = _features()
    runner = InferenceRunner("cpu", batch_size=4, progress=False)
    out = runner.run(feats, lambda b: b["attention_mask"].sum(dim=1, keepdim=True).float(), {"input_ids": 0})
    assert [int(o[0]) for o in out] == [len(f["input_ids"]) for f in feats]


def test_per_token_outputs_are_cut_to_each_length():
    feats = _features(5)
    runner = InferenceRunner("cpu", progress=False)
    out = runner.run(feats, lambda b: b["input_ids"].float(), {"input_ids": 0}, per_token=True)
    assert [o.tolist() for o in out] == [[float(x) for x in f["input_ids"]] for f in feats]


def test_out_of_memory_halves_the_budget_and_retries():
    feats = _features(40)

    def forward(batch):
        if batch["input_ids"].numel() > 120:
            raise torch.cuda.OutOfMemoryError("simulated")
        return batch["attention_mask"].sum(dim=1, keepdim=True).float()

    runner = InferenceRunner("cpu", max_tokens=1000, progress=False)
    out = runner.run(feats, forward, {"input_ids": 0})
    assert runner.max_tokens <= 125
    assert [int(o[0]) for o in out] == [len(f["input_ids"]) for f in feats]


def test_out_of_memory_with_fixed_batch_size_is_a_clear_error():
    runner = InferenceRunner("cpu", batch_size=8, progress=False)

    def forward(batch):
        raise torch.cuda.OutOfMemoryError("simulated")

    with pytest.raises(HarnessError, match="--batch_size auto"):
        runner.run(_features(10), forward, {"input_ids": 0})
