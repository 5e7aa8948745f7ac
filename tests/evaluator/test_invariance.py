"""Predictions must not depend on batch size or order: argmax identical, scores within 1e-4 (fp32)."""

import numpy as np
import pytest
import torch

from harness.data.sources import resolve_source
from harness.evaluator.encode import LayerReader, encode_sentences
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.models.loading import load_model
from harness.models.model_args import ModelArgs
from harness.taskfiles.index import TaskIndex


@pytest.fixture(scope="module")
def xnli_data():
    task = TaskIndex.load().tasks["xnli"]
    return task, resolve_source(task, {}, demo=True).language_data("de")


@pytest.mark.parametrize("batch_size", [1, 3, 7])
def test_classification_identical_across_batch_sizes(tiny_models, xnli_data, batch_size):
    task, data = xnli_data
    folder = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"], seed=3)
    loaded = load_model(str(folder), "sequence_classification", ModelArgs(), torch.device("cpu"))
    kind = get_kind("pair_classification")
    auto = kind.predict(task, data, loaded, InferenceRunner("cpu", progress=False))
    fixed = kind.predict(task, data, loaded, InferenceRunner("cpu", batch_size=batch_size, progress=False))
    assert auto.values == fixed.values
    np.testing.assert_allclose([d["probs"] for d in auto.details], [d["probs"] for d in fixed.details], atol=1e-4)


def test_embeddings_identical_across_batch_sizes_and_order(tiny_models):
    folder = tiny_models("encoder")
    loaded = load_model(str(folder), "encoder", ModelArgs(), torch.device("cpu"))
    texts = ["The cat sleeps in the garden.", "Tom needs water.", "Wo ist der Bahnhof?", "a", "Un homme lit un journal."]
    one = encode_sentences(loaded, InferenceRunner("cpu", batch_size=1, progress=False), texts, 2, "mean", 64)
    many = encode_sentences(loaded, InferenceRunner("cpu", progress=False), texts[::-1], 2, "mean", 64)[::-1]
    np.testing.assert_allclose(one, many, atol=1e-4)


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_early_stop_reads_the_same_hidden_state(tiny_models, layer):
    folder = tiny_models("encoder", num_hidden_layers=3)
    loaded = load_model(str(folder), "encoder", ModelArgs(), torch.device("cpu"))
    batch = loaded.tokenizer(["The cat sleeps.", "Tom needs water badly."], padding=True, return_tensors="pt")
    reader = LayerReader(loaded.model, layer)
    with torch.inference_mode():
        early = reader(dict(batch))
        full = loaded.model(**batch, output_hidden_states=True).hidden_states[layer]
    assert reader.stack is not None  # the early stop was used, and verified
    torch.testing.assert_close(early, full)


def test_memo_reuses_embeddings_and_gives_the_same_vectors(tiny_models):
    folder = tiny_models("encoder")
    loaded = load_model(str(folder), "encoder", ModelArgs(), torch.device("cpu"))
    runner = InferenceRunner("cpu", progress=False)
    first = ["The cat sleeps.", "Tom needs water."]
    second = ["Tom needs water.", "Wo ist der Bahnhof?", "The cat sleeps."]
    memo: dict = {}
    encode_sentences(loaded, runner, first, 2, "mean", 64, memo=memo)
    calls = []
    original = runner.run
    runner.run = lambda features, *a, **k: calls.append(len(features)) or original(features, *a, **k)
    reused = encode_sentences(loaded, runner, second, 2, "mean", 64, memo=memo)
    assert calls == [1]  # only the new sentence was encoded
    direct = encode_sentences(loaded, InferenceRunner("cpu", progress=False), second, 2, "mean", 64)
    np.testing.assert_allclose(reused, direct, atol=1e-4)
