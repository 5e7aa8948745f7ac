import numpy as np
import pytest
import torch

from harness.data.images import FolderImages, decode_image
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.taskfiles.index import TaskIndex
from tests.iglue_helpers import language_data, load_vl, read_rows, write_images

INDEX = TaskIndex.load()
KIND = get_kind("image_text_retrieval")


@pytest.fixture(scope="module")
def wit(shared_data, tmp_path_factory):
    """English WIT rows in which several captions share an image (wit_ix), with synthetic images."""
    rows = read_rows(shared_data, INDEX.tasks["wit"], "en")
    keys = [row["image_key"] for row in rows]
    shared = next(k for k in keys if keys.count(k) > 1)
    picked = [row for row in rows if row["image_key"] == shared][:3] + rows[:9]
    picked = list({row["id"]: row for row in picked}.values())
    return INDEX.tasks["wit"], picked, write_images(tmp_path_factory.mktemp("wit-images"), picked, "wit")


def direct_similarity(loaded, store, rows, images):
    texts = loaded.tokenizer([row["caption"] for row in rows], padding=True, truncation=True, max_length=64,
                             return_tensors="pt")
    pixels = loaded.processor.image_processor(images=images, return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        t = loaded.model.get_text_features(input_ids=texts["input_ids"], attention_mask=texts["attention_mask"])
        v = loaded.model.get_image_features(pixel_values=pixels)
    t, v = (x if isinstance(x, torch.Tensor) else x.pooler_output for x in (t, v))
    t, v = t / t.norm(dim=-1, keepdim=True), v / v.norm(dim=-1, keepdim=True)
    return (t @ v.T).double().numpy()


def hand_recall(sim, gold_of_query, k):
    """Share of queries whose gold column is among the k highest (ties: lower column first)."""
    hits = []
    for q, golds in enumerate(gold_of_query):
        order = sorted(range(sim.shape[1]), key=lambda c: (-sim[q, c], c))
        hits.append(any(g in order[:k] for g in golds))
    return 100.0 * np.mean(hits)


@pytest.mark.parametrize("model", ["clip", "siglip"])
def test_recall_matches_a_similarity_matrix_computed_directly(wit, vl_models, model):
    task, rows, folder = wit
    loaded, store = load_vl(vl_models(model)), FolderImages(folder)
    data = language_data(task, rows, store)
    predictions = KIND.predict(task, data, loaded, InferenceRunner(torch.device("cpu"), progress=False))
    unit = KIND.score(task, data, predictions)
    keys = list(dict.fromkeys(row["image_key"] for row in rows))
    firsts = [next(row for row in rows if row["image_key"] == key) for key in keys]
    if model == "siglip":  # SigLIP reads texts padded to max_length; compare through the same padding
        encoded = loaded.tokenizer([row["caption"] for row in rows], padding="max_length", truncation=True,
                                   max_length=64, return_tensors="pt")
        pixels = loaded.processor.image_processor(images=[decode_image(store.locate(r)[0]) for r in firsts],
                                                  return_tensors="pt")["pixel_values"]
        with torch.no_grad():
            t = loaded.model.get_text_features(input_ids=encoded["input_ids"]).pooler_output
            v = loaded.model.get_image_features(pixel_values=pixels).pooler_output
        sim = ((t / t.norm(dim=-1, keepdim=True)) @ (v / v.norm(dim=-1, keepdim=True)).T).double().numpy()
    else:
        sim = direct_similarity(loaded, store, rows, [decode_image(store.locate(r)[0]) for r in firsts])
    image_of = [keys.index(row["image_key"]) for row in rows]
    captions_of = [[i for i, j in enumerate(image_of) if j == image] for image in range(len(keys))]
    assert len(keys) < len(rows)  # some captions share an image
    for k in (1, 5, 10):
        assert unit.metrics[f"ir_r{k}"] == pytest.approx(hand_recall(sim, [[j] for j in image_of], k), abs=1e-9)
        assert unit.metrics[f"tr_r{k}"] == pytest.approx(hand_recall(sim.T, captions_of, k), abs=1e-9)
    assert [s["ir_rank"] for s in unit.samples] == [
        1 + sorted(range(len(keys)), key=lambda c: (-sim[q, c], c)).index(image_of[q]) for q in range(len(rows))]
    assert sum(s["stats"]["tr_query"] for s in unit.samples) == len(keys)


def test_a_missing_image_leaves_the_pool_and_its_captions_miss(wit, vl_models, tmp_path):
    task, rows, _ = wit
    gone = rows[-1]
    folder = write_images(tmp_path, rows, "wit", skip={gone["images"][0]})
    data = language_data(task, rows, FolderImages(folder, max_missing_percent=50))
    predictions = KIND.predict(task, data, load_vl(vl_models("clip")), InferenceRunner(torch.device("cpu")))
    unit = KIND.score(task, data, predictions)
    missing = [s for s, row in zip(unit.samples, rows) if row["image_key"] == gone["image_key"]]
    assert unit.metrics["n_missing_images"] == 1
    assert all(s["ir_rank"] == 0 and s["stats"]["ir_hit10"] == 0 and s["missing_image"] for s in missing)
    gone_index = missing[0]["image"]
    assert all(gone_index not in top for top in predictions.values)


def test_submission_rescoring_reproduces_ir_recall(wit, vl_models, tmp_path):
    task, rows, folder = wit
    data = language_data(task, rows, FolderImages(folder))
    predictions = KIND.predict(task, data, load_vl(vl_models("clip")), InferenceRunner(torch.device("cpu")))
    path = tmp_path / "test-en.tsv"
    path.write_text(KIND.format_submission(data, predictions))
    rescored = KIND.score(task, data, KIND.read_submission(path, task, data))
    original = KIND.score(task, data, predictions)
    assert {k: v for k, v in rescored.metrics.items()} == {k: original.metrics[k] for k in ("ir_r1", "ir_r5", "ir_r10")}


def test_other_families_are_skipped_with_a_reason(vl_models):
    assert "needs a dual encoder" in KIND.skip_reason(INDEX.tasks["wit"], load_vl(vl_models("llava")))
