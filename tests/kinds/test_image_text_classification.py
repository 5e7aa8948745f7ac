import numpy as np
import pytest
import torch

from harness.data.images import FolderImages, TaskStopped, decode_image
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.models.vision_language.generative import render_prompt
from harness.taskfiles.index import TaskIndex
from tests.iglue_helpers import language_data, load_vl, read_rows, write_images

INDEX = TaskIndex.load()
KIND = get_kind("image_text_classification")


@pytest.fixture(scope="module")
def xvnli(shared_data, tmp_path_factory):
    """Six Arabic XVNLI pairs, one of them unlabelled ("-"), with synthetic images."""
    rows = read_rows(shared_data, INDEX.tasks["xvnli"], "ar")
    picked = rows[:5] + [next(row for row in rows if row["label"] == "-")]
    folder = write_images(tmp_path_factory.mktemp("xvnli-images"), picked, "xvnli")
    return INDEX.tasks["xvnli"], picked, folder


@pytest.fixture(scope="module")
def marvl(shared_data, tmp_path_factory):
    rows = read_rows(shared_data, INDEX.tasks["marvl"], "id", limit=4)
    folder = write_images(tmp_path_factory.mktemp("marvl-images"), rows, "marvl")
    return INDEX.tasks["marvl"], rows, folder


def runner(**kwargs):
    return InferenceRunner(torch.device("cpu"), progress=False, **kwargs)


def images_of(store, row):
    return [decode_image(p) for p in store.locate(row)]


def test_classifier_head_labels_are_mapped_by_name_to_the_task_labels(xvnli, vl_models):
    task, rows, folder = xvnli
    loaded = load_vl(vl_models("vilt"))  # head order: contradiction, entailment, neutral
    store = FolderImages(folder)
    predictions = KIND.predict(task, language_data(task, rows, store, "ar"), loaded, runner())
    for row, predicted in zip(rows, predictions.values):
        encoded = loaded.processor(images=images_of(store, row), text=[row["hypothesis"]], truncation=True,
                                   max_length=64, return_tensors="pt")
        with torch.no_grad():
            logits = loaded.model(**encoded).logits[0]
        assert predicted == loaded.config.id2label[int(logits.argmax())]
    assert "two_images" not in predictions.info  # one image per XVNLI example: nothing to report


def test_unlabelled_pairs_stay_in_the_denominator_as_wrong(xvnli, vl_models):
    task, rows, folder = xvnli
    data = language_data(task, rows, FolderImages(folder), "ar")
    predictions = KIND.predict(task, data, load_vl(vl_models("vilt")), runner())
    unit = KIND.score(task, data, predictions)
    assert unit.n == 6 and len(unit.samples) == 6
    assert unit.samples[-1]["gold"] == "-" and unit.samples[-1]["stats"]["correct"] == 0
    correct = sum(p == row["label"] for p, row in zip(predictions.values, rows))
    assert unit.metrics["accuracy"] == pytest.approx(100 * correct / 6)
    assert unit.metrics["n_missing_images"] == 0


def test_nlvr2_style_head_takes_marvl_image_pairs(marvl, vl_models):
    task, rows, folder = marvl
    loaded = load_vl(vl_models("vilt_pair"))  # labels False/True map to false/true by name
    store = FolderImages(folder)
    predictions = KIND.predict(task, language_data(task, rows, store, "id"), loaded, runner())
    assert predictions.info["two_images"] == "separate"
    for row, predicted in zip(rows, predictions.values):
        encoded = loaded.processor(images=images_of(store, row), text=[row["hypothesis"]] * 2, padding=True,
                                   truncation=True, max_length=64, return_tensors="pt")
        with torch.no_grad():
            logits = loaded.model(input_ids=encoded["input_ids"][:1], attention_mask=encoded["attention_mask"][:1],
                                  token_type_ids=encoded["token_type_ids"][:1],
                                  pixel_values=encoded["pixel_values"].unsqueeze(0),
                                  pixel_mask=encoded["pixel_mask"].unsqueeze(0)).logits[0]
        assert predicted == ["false", "true"][int(logits.argmax())]


def direct_choice_log_likelihood(loaded, prompt, images, choice):
    """log p(choice | image, prompt), from the prompt's ids with the choice's own tokens appended."""
    encoded = loaded.processor(text=[prompt], images=images, return_tensors="pt")
    choice_ids = loaded.tokenizer(" " + choice, add_special_tokens=False)["input_ids"]
    ids = torch.cat([encoded["input_ids"], torch.tensor([choice_ids])], dim=1)
    with torch.no_grad():
        logits = loaded.model(input_ids=ids, attention_mask=torch.ones_like(ids),
                              pixel_values=encoded["pixel_values"]).logits[0]
    log_probs = torch.log_softmax(logits.double(), dim=-1)
    start = encoded["input_ids"].shape[1]
    return sum(float(log_probs[start + j - 1, token]) for j, token in enumerate(choice_ids))


def test_generative_multiple_choice_equals_direct_label_log_likelihoods(xvnli, vl_models):
    task, rows, folder = xvnli
    loaded = load_vl(vl_models("llava"))
    store = FolderImages(folder)
    predictions = KIND.predict(task, language_data(task, rows, store, "ar"), loaded, runner())
    choices = task.options["prompt"]["choices"]
    for row, predicted, detail in zip(rows, predictions.values, predictions.details):
        text = task.options["prompt"]["text"].format(hypothesis=row["hypothesis"])
        prompt = render_prompt(loaded.processor, text, 1)
        expected = {label: direct_choice_log_likelihood(loaded, prompt, images_of(store, row), choices[label])
                    for label in task.labels}
        assert detail["choice_logprobs"] == pytest.approx(expected, abs=1e-4)
        assert predicted == max(expected, key=expected.get)


def test_generative_scores_do_not_depend_on_batch_size_or_workers(xvnli, vl_models):
    task, rows, folder = xvnli
    loaded = load_vl(vl_models("llava"))
    data = language_data(task, rows, FolderImages(folder), "ar")
    batched = KIND.predict(task, data, loaded, runner())
    single = KIND.predict(task, data, loaded, runner(batch_size=1))
    workers = KIND.predict(task, data, loaded, runner(batch_size=2, num_workers=2))
    for other in (single, workers):
        assert other.values == batched.values
        for a, b in zip(other.details, batched.details):
            assert a["choice_logprobs"] == pytest.approx(b["choice_logprobs"], abs=1e-4)


def test_marvl_pair_for_a_single_image_model_goes_side_by_side_unless_asked(marvl, vl_models):
    task, rows, folder = marvl
    data = language_data(task, rows, FolderImages(folder), "id")
    concat = KIND.predict(task, data, load_vl(vl_models("llava")), runner())
    separate = KIND.predict(task, data, load_vl(vl_models("llava"), two_images="separate"), runner())
    assert concat.info["two_images"] == "concat" and separate.info["two_images"] == "separate"
    assert all(v in ("false", "true") for v in concat.values + separate.values)
    assert [d["choice_logprobs"] for d in concat.details] != [d["choice_logprobs"] for d in separate.details]


def test_prompts_without_a_chat_template_use_the_image_token(xvnli, vl_models):
    task, rows, folder = xvnli
    loaded = load_vl(vl_models("llava_plain"))
    predictions = KIND.predict(task, language_data(task, rows[:2], FolderImages(folder), "ar"), loaded, runner())
    assert predictions.info["chat_template"] is False
    assert render_prompt(loaded.processor, "Q", 1) == "<image>\nQ\nAnswer:"


def test_missing_and_unreadable_images_are_counted_listed_and_scored_wrong(xvnli, vl_models, tmp_path, caplog):
    task, rows, _ = xvnli
    folder = write_images(tmp_path, rows, "xvnli", skip={rows[0]["images"][0]}, unreadable={rows[3]["images"][0]})
    data = language_data(task, rows, FolderImages(folder, max_missing_percent=90), "ar")
    predictions = KIND.predict(task, data, load_vl(vl_models("vilt")), runner())
    unit = KIND.score(task, data, predictions)
    failed = [i for i, row in enumerate(rows) if row["images"] in (rows[0]["images"], rows[3]["images"])]
    assert unit.metrics["n_missing_images"] == len(failed)
    assert [s["stats"]["correct"] for i, s in enumerate(unit.samples) if i in failed] == [0] * len(failed)
    assert all(predictions.values[i] is None and unit.samples[i].get("missing_image") for i in failed)
    assert predictions.info["missing_images"] == [rows[i]["id"] for i in failed]
    assert rows[0]["id"] in caplog.text


def test_too_many_missing_images_stop_the_task_naming_where_it_looked(xvnli, vl_models, tmp_path):
    task, rows, _ = xvnli
    folder = write_images(tmp_path, rows, "xvnli", skip={rows[0]["images"][0]})
    data = language_data(task, rows, FolderImages(folder), "ar")
    with pytest.raises(TaskStopped) as err:
        KIND.predict(task, data, load_vl(vl_models("vilt")), runner())
    message = str(err.value)
    assert "above the 1% limit" in message and str(folder) in message and "\n" not in message


def test_families_that_cannot_classify_are_skipped_with_a_reason(vl_models):
    assert "dual encoder" in KIND.skip_reason(INDEX.tasks["xvnli"], load_vl(vl_models("clip")))
    assert "image pairs" in KIND.skip_reason(INDEX.tasks["xvnli"], load_vl(vl_models("vilt_pair")))
    assert KIND.skip_reason(INDEX.tasks["marvl"], load_vl(vl_models("vilt_pair"))) is None


def test_submission_lines_round_trip_including_missing_predictions(xvnli, tmp_path):
    task, rows, _ = xvnli
    from harness.kinds.base import Predictions

    data = language_data(task, rows, None, "ar")
    values = ["entailment", None, "neutral", "contradiction", None, "neutral"]
    path = tmp_path / "test-ar.tsv"
    path.write_text(KIND.format_submission(data, Predictions(values)))
    assert KIND.read_submission(path, task, data).values == values
    path.write_text("yes\n" * 6)
    with pytest.raises(Exception, match="test-ar.tsv:1: label 'yes' is not one of"):
        KIND.read_submission(path, task, data)
    assert np.isclose(KIND.score(task, data, Predictions(values)).metrics["accuracy"],
                      100 * sum(v == r["label"] for v, r in zip(values, rows)) / 6)


def test_prompts_can_be_overridden_per_model_from_a_file(xvnli, vl_models, tmp_path):
    task, rows, folder = xvnli
    prompts = tmp_path / "prompts.yaml"
    prompts.write_text("xvnli:\n  text: 'Claim: {hypothesis} True, false or unknown?'\n"
                       "  choices: {entailment: 'true', contradiction: 'false', neutral: 'unknown'}\n")
    loaded = load_vl(vl_models("llava"), prompts=str(prompts))
    predictions = KIND.predict(task, language_data(task, rows[:2], FolderImages(folder), "ar"), loaded, runner())
    assert predictions.info["prompt"] == "Claim: {hypothesis} True, false or unknown?"
    assert predictions.info["choices"] == {"entailment": "true", "neutral": "unknown", "contradiction": "false"}
