import pytest
import torch

from harness.errors import HarnessError
from harness.evaluator.runner import CollatedBatch, InferenceRunner
from tests.evaluator.numbers_dataset import Numbers, collate


def test_outputs_and_notes_come_back_in_input_order_with_workers():
    runner = InferenceRunner(torch.device("cpu"), max_tokens=40, num_workers=2, progress=False)
    costs = [10 + (i % 3) for i in range(12)]  # plan_batches reorders by cost
    outputs, notes = runner.run_loader(Numbers(), costs, collate, lambda batch: batch["x"] * 2)
    assert [float(o) for o in outputs] == [2.0 * i for i in range(12)]
    assert [n["item"] for n in notes] == list(range(12))
    assert runner.timings["examples"] == 12 and runner.timings["prep_s"] > 0


def test_out_of_memory_halves_the_budget_and_retries_the_rest():
    runner = InferenceRunner(torch.device("cpu"), max_tokens=120, progress=False)
    sizes = []

    def forward(batch):
        sizes.append(len(batch["x"]))
        if len(batch["x"]) > 3:
            raise torch.cuda.OutOfMemoryError("simulated")
        return batch["x"] + 1

    outputs, _ = runner.run_loader(Numbers(), [10] * 12, collate, forward)
    assert [float(o) for o in outputs] == [i + 1.0 for i in range(12)]
    assert runner.max_tokens == 30 and max(sizes[-4:]) <= 3


def test_out_of_memory_at_a_fixed_batch_size_is_a_one_line_error():
    runner = InferenceRunner(torch.device("cpu"), batch_size=4, progress=False)

    def forward(batch):
        raise torch.cuda.OutOfMemoryError("simulated")

    with pytest.raises(HarnessError, match="--batch_size 4"):
        runner.run_loader(Numbers(), [10] * 12, collate, forward)


def test_integer_outputs_keep_their_dtype():
    runner = InferenceRunner(torch.device("cpu"), progress=False)
    outputs, _ = runner.run_loader(Numbers(), [1] * 12, collate, lambda batch: batch["x"].long().unsqueeze(1))
    assert outputs[5].dtype.kind == "i" and outputs[5].tolist() == [5]


def worker_env_collate(items):
    import os

    return CollatedBatch({"x": torch.tensor(items, dtype=torch.float32)},
                         [{"env": os.environ.get("TOKENIZERS_PARALLELISM")} for _ in items])


@pytest.mark.parametrize("before", [None, "true"])
def test_workers_tokenize_serially_and_the_setting_is_restored_afterwards(monkeypatch, before):
    import os

    if before is None:
        monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    else:
        monkeypatch.setenv("TOKENIZERS_PARALLELISM", before)
    runner = InferenceRunner(torch.device("cpu"), max_tokens=40, num_workers=1, progress=False)
    _, notes = runner.run_loader(Numbers(), [10] * 12, worker_env_collate, lambda batch: batch["x"])
    assert {n["env"] for n in notes} == {"false"}  # in the forked workers
    # later text tasks in this process tokenize in parallel again
    assert os.environ.get("TOKENIZERS_PARALLELISM") == before
