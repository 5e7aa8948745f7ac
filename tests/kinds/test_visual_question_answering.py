import json

import pytest
import torch

from harness.data.images import FolderImages, decode_image
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.kinds.base import Predictions
from harness.metrics.vqa import normalize_answer
from harness.models.vision_language.generative import render_prompt
from harness.taskfiles.index import TaskIndex
from tests.iglue_helpers import VQA_ANSWERS, language_data, load_vl, read_rows, write_images

INDEX = TaskIndex.load()
KIND = get_kind("visual_question_answering")


@pytest.fixture(scope="module")
def xgqa(shared_data, tmp_path_factory):
    """Five German xGQA questions from the shared dev split, with synthetic images."""
    rows = read_rows(shared_data, INDEX.tasks["xgqa"], "de", split="dev", limit=5)
    return INDEX.tasks["xgqa"], rows, write_images(tmp_path_factory.mktemp("xgqa-images"), rows, "xgqa")


def runner(**kwargs):
    return InferenceRunner(torch.device("cpu"), progress=False, **kwargs)


def head_logits(loaded, store, row):
    images = [decode_image(p) for p in store.locate(row)]
    encoded = loaded.processor(images=images, text=[row["question"]], truncation=True, max_length=64,
                               return_tensors="pt")
    with torch.no_grad():
        return loaded.model(**encoded).logits[0]


def test_vqa_head_answers_with_the_name_of_its_best_output(xgqa, vl_models):
    task, rows, folder = xgqa
    loaded, store = load_vl(vl_models("vqa")), FolderImages(folder)
    predictions = KIND.predict(task, language_data(task, rows, store, "de"), loaded, runner())
    assert predictions.values == [VQA_ANSWERS[int(head_logits(loaded, store, row).argmax())] for row in rows]


def test_answer_vocabulary_restricts_the_head_to_gqa_answers(xgqa, vl_models, tmp_path):
    task, rows, folder = xgqa
    vocabulary = tmp_path / "trainval_ans2label.json"
    vocabulary.write_text(json.dumps({"red": 0, "man": 1, "two": 2}))  # "the man" maps to "man" by name
    loaded, store = load_vl(vl_models("vqa"), answer_vocabulary=str(vocabulary)), FolderImages(folder)
    predictions = KIND.predict(task, language_data(task, rows, store, "de"), loaded, runner())
    allowed = [VQA_ANSWERS.index(a) for a in ("red", "two", "the man")]
    for row, predicted in zip(rows, predictions.values):
        logits = head_logits(loaded, store, row)
        assert predicted == VQA_ANSWERS[max(allowed, key=lambda i: float(logits[i]))]
    assert predictions.info["usable_answers"] == 3


def test_generative_answers_are_greedy_and_batch_size_invariant(xgqa, vl_models):
    task, rows, folder = xgqa
    loaded, store = load_vl(vl_models("llava")), FolderImages(folder)
    data = language_data(task, rows, store, "de")
    batched = KIND.predict(task, data, loaded, runner())
    single = KIND.predict(task, data, loaded, runner(batch_size=1))
    assert batched.values == single.values
    for row, answer in zip(rows, batched.values):
        prompt = render_prompt(loaded.processor, task.options["prompt"]["text"].format(question=row["question"]), 1)
        encoded = loaded.processor(text=[prompt], images=[decode_image(p) for p in store.locate(row)],
                                   return_tensors="pt")
        with torch.no_grad():
            out = loaded.model.generate(**encoded, max_new_tokens=10, do_sample=False)
        text = loaded.tokenizer.decode(out[0, encoded["input_ids"].shape[1]:], skip_special_tokens=True)
        assert answer == next((line.strip() for line in text.splitlines() if line.strip()), "")


def test_answers_match_after_normalisation_and_missing_ones_are_wrong(xgqa):
    task, rows, _ = xgqa
    data = language_data(task, rows, None, "de")
    answers = [f"The {rows[0]['label'].upper()}.", "zebra", None, rows[3]["label"], ""]
    unit = KIND.score(task, data, Predictions(answers))
    assert [s["stats"]["correct"] for s in unit.samples] == [1, int(normalize_answer(rows[1]["label"]) == "zebra"),
                                                               0, 1, 0]


def test_dual_encoders_are_skipped_with_a_reason(vl_models):
    assert "dual encoder" in KIND.skip_reason(INDEX.tasks["xgqa"], load_vl(vl_models("clip")))


def test_submission_is_one_answer_per_line(xgqa, tmp_path):
    task, rows, _ = xgqa
    data = language_data(task, rows, None, "de")
    values = ["red", None, "two  people", "yes", "no"]
    path = tmp_path / "test-de.tsv"
    path.write_text(KIND.format_submission(data, Predictions(values)))
    assert KIND.read_submission(path, task, data).values == ["red", None, "two people", "yes", "no"]


def test_gqa_vocabulary_beside_the_annotations_restricts_the_head_by_default(xgqa, vl_models, shared_data, tmp_path):
    from harness.data.sources import resolve_source

    task, rows, folder = xgqa
    source = resolve_source(task, {"xgqa": str(shared_data / "iglue")})
    found = source.resources("de")["answer_vocabulary"]
    assert found == shared_data / "iglue" / "gqa" / "trainval_ans2label.json"  # GQA's 1,842 answers
    vocabulary = tmp_path / "gqa" / "trainval_ans2label.json"
    vocabulary.parent.mkdir()
    vocabulary.write_text(json.dumps({"red": 0, "man": 1, "two": 2}))
    data = language_data(task, rows, FolderImages(folder), "de")
    data.resources = {"answer_vocabulary": vocabulary}
    loaded = load_vl(vl_models("vqa"))
    predictions = KIND.predict(task, data, loaded, runner())
    allowed = [VQA_ANSWERS.index(a) for a in ("red", "two", "the man")]
    for row, predicted in zip(rows, predictions.values):
        logits = head_logits(loaded, data.images, row)
        assert predicted == VQA_ANSWERS[max(allowed, key=lambda i: float(logits[i]))]
    assert predictions.info["answer_vocabulary"] == str(vocabulary)
    assert predictions.info["usable_answers"] == 3 and predictions.info["head_answers"] == len(VQA_ANSWERS)
    unrestricted = KIND.predict(task, language_data(task, rows, FolderImages(folder), "de"), loaded, runner())
    assert unrestricted.info["answer_vocabulary"] is None and unrestricted.info["usable_answers"] == len(VQA_ANSWERS)
