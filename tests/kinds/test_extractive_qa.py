import json

import numpy as np
import pytest
import torch

from harness.data.records import LanguageData
from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.kinds.base import Predictions
from harness.kinds.extractive_qa import qa_settings
from harness.models.loading import load_model
from harness.models.model_args import ModelArgs, parse_model_args
from harness.taskfiles.index import TaskIndex


@pytest.fixture(scope="module")
def xquad():
    task = TaskIndex.load().tasks["xquad"]
    return task, resolve_source(task, {}, demo=True).language_data("en", limit=9)


def reference_answer(loaded, row, n_best=20, max_answer_length=30):
    """The XTREME rule written out naively for a context that fits one window."""
    encoded = loaded.tokenizer(row["question"], row["context"], return_offsets_mapping=True, return_tensors="pt")
    offsets = encoded.pop("offset_mapping")[0].tolist()
    context = [p for p, s in enumerate(encoded.sequence_ids(0)) if s == 1]
    with torch.inference_mode():
        output = loaded.model(**encoded)
    start, end = output.start_logits[0].tolist(), output.end_logits[0].tolist()
    starts = sorted(range(len(start)), key=lambda i: start[i], reverse=True)[:n_best]
    ends = sorted(range(len(end)), key=lambda i: end[i], reverse=True)[:n_best]
    candidates = [(start[i] + end[j], i, j) for i in starts for j in ends
                  if i in context and j in context and i <= j and j - i + 1 <= max_answer_length]
    _, i, j = max(candidates, key=lambda c: c[0])
    return row["context"][offsets[i][0]:offsets[j][1]]


def test_answers_equal_a_naive_search_over_the_n_best_logits(xquad, tiny_models):
    task, data = xquad
    loaded = load_model(str(tiny_models("question_answering", seed=2)), "question_answering", ModelArgs(),
                        torch.device("cpu"))
    predictions = get_kind("extractive_qa").predict(task, data, loaded, InferenceRunner("cpu", progress=False))
    assert predictions.values == [reference_answer(loaded, row) for row in data.rows]
    for row, answer, detail in zip(data.rows, predictions.values, predictions.details):
        assert row["context"][detail["span"][0]:detail["span"][1]] == answer
    assert predictions.info["windows"] == len(data.rows)


def test_long_contexts_are_read_in_windows(xquad, tiny_models):
    task, data = xquad
    rows = [dict(row, context=" ".join(r["context"] for r in data.rows)) for row in data.rows[:3]]
    args = parse_model_args("max_length=48,doc_stride=16,max_answer_length=5")
    loaded = load_model(str(tiny_models("question_answering", seed=2)), "question_answering", args, torch.device("cpu"))
    long_data = LanguageData("xquad", "en", "test", rows, "t")
    predictions = get_kind("extractive_qa").predict(task, long_data, loaded, InferenceRunner("cpu", progress=False))
    assert predictions.info["windows"] > 3 * 4 and predictions.info["doc_stride"] == 16
    for row, answer, detail in zip(rows, predictions.values, predictions.details):
        assert detail["windows"] > 4
        start, end = detail["span"]
        assert answer == row["context"][start:end]
        # At most 5 of the context's own tokens (tokenising the answer text alone can split a
        # word that starts mid-span differently, so count the context's tokens inside the span).
        offsets = loaded.tokenizer(row["context"], add_special_tokens=False, return_offsets_mapping=True)
        inside = [o for o in offsets["offset_mapping"] if o[0] >= start and o[1] <= end and o[1] > o[0]]
        assert 1 <= len(inside) <= 5


def test_settings_come_from_model_args_then_task_options(xquad, tiny_models):
    task, _ = xquad

    class Loaded:
        args = parse_model_args("n_best=5")

    assert qa_settings(task, Loaded()) == {"doc_stride": 128, "n_best": 5, "max_answer_length": 30,
                                           "max_query_length": 64}
    with pytest.raises(HarnessError, match=r"--model_args doc_stride=0: expected an integer >= 1"):
        parse_model_args("doc_stride=0")  # bad values fail once, when the arguments are parsed


def test_gold_answers_score_100_and_mlqa_uses_the_context_language(xquad):
    task, data = xquad
    kind = get_kind("extractive_qa")
    unit = kind.score(task, data, Predictions([r["answers"][0]["text"] for r in data.rows]))
    assert unit.metrics == {"exact_match": 100.0, "f1": 100.0}
    mlqa = TaskIndex.load().tasks["mlqa_gxlt"]
    rows = [{"id": "q", "context": "…", "question": "Who?", "answers": [{"text": "Der Hund", "answer_start": 0}]}]
    unit = kind.score(mlqa, LanguageData("mlqa_gxlt", "de-en", "test", rows, "t"), Predictions(["hund!"]))
    assert unit.metrics == {"exact_match": 100.0, "f1": 100.0}  # German article and Unicode punctuation


def test_missing_answers_count_as_wrong_and_are_reported(xquad, tmp_path):
    task, data = xquad
    kind = get_kind("extractive_qa")
    answers = {r["id"]: r["answers"][0]["text"] for r in data.rows[1:]}
    path = tmp_path / "test-en.json"
    path.write_text(json.dumps(answers))
    predictions = kind.read_submission(path, task, data)
    unit = kind.score(task, data, predictions)
    assert unit.metrics["missing_predictions"] == 1
    assert unit.metrics["exact_match"] == pytest.approx(100 * 8 / 9)
    assert unit.samples[0]["missing"] is True and unit.samples[0]["stats"] == {"exact": 0, "f1": 0.0}
    path.write_text(json.dumps({data.rows[0]["id"]: ["a list"]}))
    with pytest.raises(HarnessError, match=r"the answer for question .* is list, expected a string"):
        kind.read_submission(path, task, data)
    round_trip = tmp_path / "rt.json"
    round_trip.write_text(kind.format_submission(data, Predictions(["x"] * 9)))
    assert kind.read_submission(round_trip, task, data).values == ["x"] * 9
    assert np.isclose(kind.score(task, data, kind.read_submission(round_trip, task, data)).metrics["f1"], 0.0)


def test_real_xquad_questions_in_every_language_get_exact_context_spans(shared_data, tiny_models):
    task = TaskIndex.load().tasks["xquad"]
    source = resolve_source(task, {"xquad": str(shared_data / "xquad")})
    loaded = load_model(str(tiny_models("question_answering", seed=2)), "question_answering", ModelArgs(),
                        torch.device("cpu"))
    kind = get_kind("extractive_qa")
    for lang in task.languages:
        data = source.language_data(lang, limit=2)
        predictions = kind.predict(task, data, loaded, InferenceRunner("cpu", progress=False))
        for row, answer, detail in zip(data.rows, predictions.values, predictions.details):
            assert answer and answer == row["context"][detail["span"][0]:detail["span"][1]], lang
        assert kind.score(task, data, predictions).n == 2
