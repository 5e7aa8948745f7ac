import json

import pytest

from harness.data.readers import get_reader
from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from tests.iglue_helpers import read_rows

INDEX = TaskIndex.load()
# MaRVL's English is NLVR2's test set, which the shared copy does not hold (tested below on a fixture).
UNITS = [(task, lang) for task in ("xvnli", "xgqa", "marvl", "xflickrco", "wit") for lang in INDEX.tasks[task].languages
         if (task, lang) != ("marvl", "en")]


def annotation_count(shared, task, lang):
    root = shared / "iglue"
    path = {"xvnli": root / "XVNLI" / lang / "test.jsonl", "marvl": root / "marvl" / f"marvl-{lang}.jsonl",
            "xflickrco": root / "xFlickrCO" / lang / "test.jsonl", "wit": root / "wit" / f"test_{lang}.jsonl",
            "xgqa": root / "xGQA" / lang / "dev.json"}[task]
    if task == "xgqa":
        return len(json.loads(path.read_text(encoding="utf-8")))
    return sum(1 for line in path.open(encoding="utf-8") if line.strip())


@pytest.mark.parametrize("task,lang", UNITS)
def test_every_shared_iglue_annotation_file_loads_one_row_per_annotation(shared_data, task, lang):
    config = INDEX.tasks[task]
    rows = read_rows(shared_data, config, lang, split="dev" if task == "xgqa" else "test")
    assert len(rows) == annotation_count(shared_data, task, lang)
    assert all(row["images"] and all(isinstance(name, str) and name for name in row["images"]) for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    text_field = {"xvnli": "hypothesis", "marvl": "hypothesis", "xgqa": "question"}.get(task, "caption")
    assert all(isinstance(row[text_field], str) for row in rows)


def test_xvnli_keeps_its_unlabelled_pairs_as_rows(shared_data):
    rows = read_rows(shared_data, INDEX.tasks["xvnli"], "ar")
    assert len(rows) == 1164
    assert sum(row["label"] == "-" for row in rows) == 14
    assert rows[0]["images"] == ["759822302.jpg"]


def test_marvl_rows_name_both_images_with_language_and_concept_hints(shared_data):
    row = read_rows(shared_data, INDEX.tasks["marvl"], "id")[0]
    assert row["images"] == ["39-0.jpg", "39-11.jpg"]
    assert row["image_hints"] == ["id", "39-Panci"]
    assert row["label"] == "true"


def test_xflickrco_and_wit_image_names_follow_the_annotation(shared_data):
    flickr = read_rows(shared_data, INDEX.tasks["xflickrco"], "de")
    assert flickr[0]["images"] == ["1007129816.jpg"]
    assert flickr[1500]["images"][0].startswith("COCO_val2014_")
    wit = read_rows(shared_data, INDEX.tasks["wit"], "en")
    assert wit[0]["images"] == ["311_South_Wacker_Drive_060528.jpg"]
    assert wit[1]["images"][0].endswith("196578.tif") and "%2C" in wit[1]["images"][0]


def test_data_dir_may_be_the_release_root_or_the_task_folder(shared_data):
    config = INDEX.tasks["marvl"]
    reader = get_reader("marvl_jsonl", "test")
    from_root = reader(shared_data / "iglue", config, "tr", "test")
    from_folder = reader(shared_data / "iglue" / "marvl", config, "tr", "test")
    assert from_root == from_folder


def test_missing_annotation_file_is_a_one_line_error(tmp_path):
    reader = get_reader("xgqa_json", "test")
    with pytest.raises(HarnessError) as err:
        reader(tmp_path, INDEX.tasks["xgqa"], "de", "test")
    assert "missing file xGQA/de/test.json" in str(err.value) and "\n" not in str(err.value)


def test_broken_records_name_the_file_line_and_key(tmp_path):
    (tmp_path / "XVNLI" / "en").mkdir(parents=True)
    (tmp_path / "XVNLI" / "en" / "test.jsonl").write_text('{"gold_label": "neutral", "sentence2": "x"}\n')
    with pytest.raises(HarnessError, match=r"test.jsonl:1: missing key\(s\) Flikr30kID"):
        get_reader("xvnli_jsonl", "test")(tmp_path, INDEX.tasks["xvnli"], "en", "test")
    (tmp_path / "xFlickrCO" / "en").mkdir(parents=True)
    (tmp_path / "xFlickrCO" / "en" / "test.jsonl").write_text('{"sentences": ["a", "b"], "id": 1, "img_path": "1.jpg"}\n')
    with pytest.raises(HarnessError, match="expected one caption"):
        get_reader("xflickrco_jsonl", "test")(tmp_path, INDEX.tasks["xflickrco"], "en", "test")


def nlvr2_record(identifier, sentence, label):
    """A record in NLVR2's JSON-lines layout (nlvr2/data/*.json; IGLUE's nlvr2/annotations/*.jsonl)."""
    return json.dumps({"validation": {"1": label}, "sentence": sentence, "left_url": "http://example.org/l.jpg",
                       "writer": "1", "label": label, "right_url": "http://example.org/r.jpg", "synset": "dog",
                       "query": "dogs1", "identifier": identifier, "extra_validations": {}})


@pytest.mark.parametrize("layout", ["nlvr2/annotations/test.jsonl", "nlvr2/data/test1.json"])
def test_marvl_english_is_nlvr2_test_in_iglue_or_nlvr2_layout(tmp_path, layout):
    path = tmp_path / layout
    path.parent.mkdir(parents=True)
    path.write_text(nlvr2_record("test1-0-1-0", "There is an empty glass.", "False") + "\n"
                    + nlvr2_record("test1-7-3-1", "Two dogs.", "True") + "\n")
    rows = get_reader("marvl_jsonl", "test")(tmp_path, INDEX.tasks["marvl"], "en", "test")
    assert [row["id"] for row in rows] == ["test1-0-1-0", "test1-7-3-1"]
    # NLVR2 names a pair's images after the identifier without its sentence number
    assert rows[0]["images"] == ["test1-0-1-img0.png", "test1-0-1-img1.png"]
    assert [row["label"] for row in rows] == ["false", "true"]
    assert rows[1]["hypothesis"] == "Two dogs."


def test_iglue_repository_layout_is_found(tmp_path, shared_data):
    """e-bug/iglue's datasets/ folder puts the files under annotations/ (zero_shot/ for MaRVL)."""
    for task, lang, release, repository in [
        ("xvnli", "ar", "XVNLI/ar/test.jsonl", "XVNLI/annotations/ar/test.jsonl"),
        ("marvl", "tr", "marvl/marvl-tr.jsonl", "marvl/zero_shot/annotations/marvl-tr.jsonl"),
        ("xflickrco", "de", "xFlickrCO/de/test.jsonl", "xFlickrCO/annotations/de/test.jsonl"),
        ("wit", "ko", "wit/test_ko.jsonl", "wit/annotations/test_ko.jsonl"),
    ]:
        target = tmp_path / "datasets" / repository
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((shared_data / "iglue" / release).read_bytes())
        reader = get_reader(INDEX.tasks[task].data.local.format, "test")
        assert reader(tmp_path / "datasets", INDEX.tasks[task], lang, "test") == \
            reader(shared_data / "iglue", INDEX.tasks[task], lang, "test"), task
    dev = tmp_path / "datasets" / "xGQA" / "annotations" / "few_shot" / "de" / "dev.json"
    dev.parent.mkdir(parents=True)
    dev.write_bytes((shared_data / "iglue" / "xGQA" / "de" / "dev.json").read_bytes())
    rows = get_reader("xgqa_json", "test")(tmp_path / "datasets", INDEX.tasks["xgqa"], "de", "dev")
    assert len(rows) == annotation_count(shared_data, "xgqa", "de")


def test_local_marvl_without_nlvr2_leaves_english_out_with_a_warning(shared_data, caplog):
    from harness.data.sources import resolve_source

    source = resolve_source(INDEX.tasks["marvl"], {"marvl": str(shared_data / "iglue")})
    with caplog.at_level("WARNING"):
        assert source.available_languages() == {"id", "sw", "ta", "tr", "zh"}
    assert "marvl/en: skipped: no nlvr2/annotations/test.jsonl or nlvr2/data/test1.json" in caplog.text
    # only a language with a file of its own is checked: a missing XVNLI file stays an error when read
    xvnli = resolve_source(INDEX.tasks["xvnli"], {"xvnli": str(shared_data / "iglue")})
    assert xvnli.available_languages() == set(INDEX.tasks["xvnli"].languages)
