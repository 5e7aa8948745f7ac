import numpy as np
import torch

from harness.data.sources import resolve_source
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.models.loading import load_model
from harness.models.model_args import ModelArgs
from harness.taskfiles.index import TaskIndex


def test_prediction_is_the_task_label_whose_named_logit_is_highest(tiny_models):
    task = TaskIndex.load().tasks["xnli"]
    data = resolve_source(task, {}, demo=True).language_data("en")
    # a checkpoint whose outputs are in roberta-large-mnli's order
    folder = tiny_models("sequence_classification", ["contradiction", "neutral", "entailment"], seed=5)
    loaded = load_model(str(folder), "sequence_classification", ModelArgs(), torch.device("cpu"))
    predictions = get_kind("pair_classification").predict(task, data, loaded, InferenceRunner("cpu", progress=False))
    with torch.inference_mode():
        batch = loaded.tokenizer([r["sentence1"] for r in data.rows], [r["sentence2"] for r in data.rows],
                                 padding=True, truncation=True, max_length=128, return_tensors="pt")
        logits = loaded.model(**batch).logits.numpy()
    expected = [["contradiction", "neutral", "entailment"][i] for i in logits.argmax(axis=1)]
    assert predictions.values == expected
    probs = np.array([d["probs"] for d in predictions.details])  # columns in the task's label order
    np.testing.assert_allclose(probs[:, 0], torch.softmax(torch.tensor(logits), -1).numpy()[:, 2], atol=1e-5)


def test_unlabelled_gold_counts_wrong_and_stays_in_the_denominator():
    from harness.data.records import LanguageData
    from harness.kinds.base import Predictions

    task = TaskIndex.load().tasks["xnli"]
    rows = [{"id": "0", "sentence1": "a", "sentence2": "b", "label": "-"},
            {"id": "1", "sentence1": "c", "sentence2": "d", "label": "neutral"}]
    unit = get_kind("pair_classification").score(task, LanguageData("xnli", "en", "test", rows, "t"),
                                                 Predictions(["neutral", "neutral"]))
    assert unit.metrics["accuracy"] == 50.0 and unit.n == 2


def test_contradictory_gold_label_counts_as_contradiction_like_xtreme():
    from harness.data.records import LanguageData
    from harness.kinds.base import Predictions

    task = TaskIndex.load().tasks["xnli"]
    rows = [{"id": "0", "sentence1": "a", "sentence2": "b", "label": "contradictory"}]
    unit = get_kind("pair_classification").score(task, LanguageData("xnli", "en", "test", rows, "t"),
                                                 Predictions(["contradiction"]))
    assert unit.metrics["accuracy"] == 100.0 and unit.samples[0]["gold"] == "contradiction"
