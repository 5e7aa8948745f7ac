import json

import pytest

from tests.helpers import run_cli, write_hub_mirror
from tests.iglue_helpers import write_images


@pytest.fixture()
def xvnli_release(shared_data, tmp_path):
    """The first eight Arabic XVNLI pairs in the release layout, and synthetic images for them."""
    lines = (shared_data / "iglue" / "XVNLI" / "ar" / "test.jsonl").read_text(encoding="utf-8").splitlines()[:8]
    folder = tmp_path / "release" / "XVNLI" / "ar"
    folder.mkdir(parents=True)
    (folder / "test.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    names = [{"images": [f"{json.loads(line)['Flikr30kID']}.jpg"]} for line in lines]
    return tmp_path / "release", write_images(tmp_path / "images", names, "xvnli"), names


def test_eval_on_release_files_writes_results_and_predictions_that_score_back(xvnli_release, vl_models, tmp_path):
    release, images, _ = xvnli_release
    run = tmp_path / "run"
    result = run_cli("eval", "--model", vl_models("vilt"), "--tasks", "xvnli", "--languages", "ar",
                     "--data_dir", f"xvnli={release}", "--image_dir", f"xvnli={images}", "--output_path", run)
    assert result.code == 0, result.err
    data = json.loads((run / "results.json").read_text())
    unit = data["results"]["xvnli"]["ar"]
    assert unit["n"] == 8 and unit["n_missing_images"] == 0
    assert len((run / "predictions" / "xvnli" / "test-ar.tsv").read_text().splitlines()) == 8
    assert data["config"]["tasks"]["xvnli"]["languages"]["ar"]["info"]["family"] == "classifier"
    scored = run_cli("score", "--predictions", run / "predictions", "--tasks", "xvnli", "--languages", "ar",
                     "--data_dir", f"xvnli={release}", "--output_path", tmp_path / "scored")
    assert scored.code == 0, scored.err
    rescored = json.loads((tmp_path / "scored" / "results.json").read_text())["results"]["xvnli"]["ar"]
    assert rescored["accuracy"] == unit["accuracy"]
    # score attaches no images: the two runs still pair, by the annotations' fingerprint
    scored_units = json.loads((tmp_path / "scored" / "results.json").read_text())["config"]["tasks"]["xvnli"]
    assert scored_units["languages"]["ar"]["data_fingerprint"] == \
        data["config"]["tasks"]["xvnli"]["languages"]["ar"]["data_fingerprint"]
    compared = run_cli("compare", run, tmp_path / "scored", "--json", tmp_path / "compare.json")
    assert compared.code == 0, compared.err
    cells = json.loads((tmp_path / "compare.json").read_text())["cells"]
    assert [(c["task"], c["lang"], c["delta"]) for c in cells] == [("xvnli", "ar", 0.0)]


def test_missing_images_above_the_limit_stop_the_task_with_one_line(xvnli_release, vl_models, tmp_path):
    release, _, names = xvnli_release
    images = write_images(tmp_path / "some-images", names[3:], "xvnli")
    args = ["eval", "--model", vl_models("vilt"), "--tasks", "xvnli", "--languages", "ar", "--data_dir",
            f"xvnli={release}", "--image_dir", f"xvnli={images}"]
    result = run_cli(*args)
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("harness: error:")]
    assert len(errors) == 1
    assert "xvnli/ar: 3 of 8 examples (37.5%) have missing or unreadable images" in errors[0]
    assert str(images) in errors[0]
    allowed = run_cli(*args, "--max_missing_images", "40", "--output_path", tmp_path / "run")
    assert allowed.code == 0, allowed.err
    assert json.loads((tmp_path / "run" / "results.json").read_text())["results"]["xvnli"]["ar"]["n_missing_images"] == 3


@pytest.mark.parametrize("extra,expected", [
    (["--image_dir", "xvnli=/no/such/folder"], "--image_dir xvnli=/no/such/folder: not a folder"),
    (["--image_dir", "xvnli"], "--image_dir 'xvnli': expected TASK=DIR"),
    (["--max_missing_images", "150"], "--max_missing_images 150: expected a percentage between 0 and 100"),
    (["--num_workers", "-1"], "--num_workers -1: expected a number >= 0 or auto"),
    (["--model_args", "two_images=stacked"], "--model_args two_images=stacked: expected one of separate, concat"),
    (["--model_args", "prompts=/no/prompts.yaml"], "--model_args prompts=/no/prompts.yaml: file not found"),
])
def test_bad_input_exits_2_with_one_line(xvnli_release, vl_models, extra, expected):
    release, images, _ = xvnli_release
    result = run_cli("eval", "--model", vl_models("vilt"), "--tasks", "xvnli", "--data_dir", f"xvnli={release}",
                     "--image_dir", f"xvnli={images}", *extra)
    assert result.code == 2
    assert expected in result.err and len(result.err.strip().splitlines()) == 1, result.err


def test_a_family_that_cannot_do_a_task_is_skipped_and_recorded(xvnli_release, vl_models, tmp_path):
    release, images, _ = xvnli_release
    result = run_cli("eval", "--model", vl_models("clip"), "--tasks", "xvnli", "--data_dir", f"xvnli={release}",
                     "--image_dir", f"xvnli={images}", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    assert "skipped xvnli: xvnli needs a label per example; a dual encoder" in result.out
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert "dual encoder" in data["config"]["tasks"]["xvnli"]["skipped"] and "xvnli" not in data["results"]


def test_hub_mirror_with_embedded_images_runs_end_to_end(vl_models, tmp_path):
    import io

    from harness.demo.vl_checkpoints import draw_shape

    def jpeg(colour):
        buffer = io.BytesIO()
        draw_shape(colour, "square", 24).save(buffer, format="JPEG")
        return {"bytes": buffer.getvalue(), "path": None}

    rows = [{"id": f"tr-{i}", "hypothesis": "İki resimde de bir kare var.", "label": bool(i % 2),
             "left_img": jpeg("red"), "right_img": jpeg("blue")} for i in range(4)]
    write_hub_mirror(tmp_path / "marvl-mirror", {"default": {"tr": rows}})
    result = run_cli("eval", "--model", vl_models("vilt_pair"), "--tasks", "marvl", "--languages", "tr",
                     "--data_dir", f"marvl={tmp_path / 'marvl-mirror'}", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert data["results"]["marvl"]["tr"]["n"] == 4
    assert data["config"]["tasks"]["marvl"]["languages"]["tr"]["info"]["image_source"].startswith("embedded in mirror:")


def test_release_files_without_image_dir_stop_the_task_once(xvnli_release, vl_models):
    release, _, _ = xvnli_release
    result = run_cli("eval", "--model", vl_models("vilt"), "--tasks", "xvnli", "--languages", "ar,es",
                     "--data_dir", f"xvnli={release}")
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("harness: error:")]
    assert errors == ["harness: error: xvnli: its annotations name image files (IGLUE release: XVNLI/{lang}/test.jsonl; "
                      "images: Flickr30k {Flikr30kID}.jpg); pass --image_dir xvnli=DIR with the images anywhere below DIR"]


def test_unmappable_classifier_labels_stop_the_task_once_not_per_language(vl_models):
    # An answer-vocabulary head has no NLI labels: one message for xvnli, not one per language.
    result = run_cli("eval", "--model", vl_models("vqa"), "--tasks", "xvnli", "--data_dir", "xvnli=demo")
    assert result.code == 2, (result.code, result.err)
    lines = [line for line in result.err.splitlines() if line.startswith("harness: error:")]
    assert len(lines) == 1 and "entailment" in lines[0] and "Traceback" not in result.err, result.err
