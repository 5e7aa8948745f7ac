"""A multimodal unit's data identity covers its images, so resuming notices new images; its data
fingerprint (what harness compare pairs on) covers the annotations only."""

import json
import os

import pytest

from harness.data import images
from harness.data.records import LanguageData, fingerprint_rows
from harness.errors import HarnessError
from tests.helpers import run_cli
from tests.iglue_helpers import write_images

ROWS = [{"id": "a", "images": ["1.jpg"]}, {"id": "b", "images": ["2.jpg"]}]


def fresh_store(folder):
    images._INDEXES.pop(str(folder.resolve()), None)  # a new process would index the folder anew
    return images.FolderImages(folder)


def fingerprint(folder):
    return LanguageData("t", "en", "test", ROWS, "local", images=fresh_store(folder)).identity()["image_fingerprint"]


def test_supplying_or_replacing_an_image_changes_the_fingerprint(tmp_path):
    write_images(tmp_path / "a", ROWS[:1], "xvnli")
    partial = fingerprint(tmp_path / "a")
    assert fingerprint(tmp_path / "a") == partial  # stable while nothing changes
    write_images(tmp_path / "a", ROWS[1:], "xvnli")
    complete = fingerprint(tmp_path / "a")
    assert complete != partial
    path = tmp_path / "a" / "2.jpg"
    path.write_bytes(path.read_bytes() + b"\0")
    assert fingerprint(tmp_path / "a") != complete


def test_the_pairing_fingerprint_leaves_images_and_side_files_out(tmp_path):
    """harness score attaches no images: its fingerprint must equal eval's over the same rows."""
    write_images(tmp_path / "a", ROWS, "xvnli")
    (tmp_path / "vocab.json").write_text("{}")
    evaluated = LanguageData("t", "en", "test", ROWS, "local", images=fresh_store(tmp_path / "a"),
                             resources={"answers": tmp_path / "vocab.json"})
    scored = LanguageData("t", "en", "test", ROWS, "local", images=images.NoImageFolder("t", ""))
    assert evaluated.fingerprint == scored.fingerprint == fingerprint_rows({"rows": ROWS, "extra": {}})
    assert "image_fingerprint" in evaluated.identity() and "resource_fingerprints" in evaluated.identity()
    assert evaluated.identity() != scored.identity()


def test_an_unreadable_side_file_is_named_in_one_line(tmp_path):
    (tmp_path / "trainval_ans2label.json").mkdir()  # unreadable as a file, whoever runs the tests
    data = LanguageData("xgqa", "de", "test", ROWS, "local", resources={"answers": tmp_path / "trainval_ans2label.json"})
    with pytest.raises(HarnessError, match="trainval_ans2label.json: cannot read"):
        data.identity()


def test_the_same_images_elsewhere_have_the_same_fingerprint(tmp_path):
    write_images(tmp_path / "one", ROWS, "xvnli")
    copy = tmp_path / "other" / "deeper"
    copy.mkdir(parents=True)
    for path in (tmp_path / "one").iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
        os.utime(copy / path.name, ns=(1, 1))
    assert fingerprint(tmp_path / "other") == fingerprint(tmp_path / "one")


def test_embedded_images_are_fingerprinted_by_their_bytes():
    def data(payload):
        rows, store = images.detach_images([{"id": "a", "image": payload}], ["image"], "mirror")
        return LanguageData("t", "en", "test", rows, "mirror", images=store).identity()["image_fingerprint"]

    assert data({"bytes": b"one", "path": None}) == data({"bytes": b"one", "path": None})
    assert data({"bytes": b"one", "path": None}) != data({"bytes": b"two", "path": None})


def test_a_unit_finished_with_missing_images_is_redone_once_they_are_supplied(shared_data, vl_models, tmp_path,
                                                                               monkeypatch):
    from harness.kinds.image_text_classification import ImageTextClassification

    by_image = {}
    for line in (shared_data / "iglue" / "XVNLI" / "fr" / "test.jsonl").read_text(encoding="utf-8").splitlines():
        by_image.setdefault(json.loads(line)["Flikr30kID"], line)  # one pair per image
    lines = list(by_image.values())[:5]
    release = tmp_path / "release" / "XVNLI" / "fr"
    release.mkdir(parents=True)
    (release / "test.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    names = [{"images": [f"{json.loads(line)['Flikr30kID']}.jpg"]} for line in lines]
    folder = write_images(tmp_path / "images", names[1:], "xvnli")
    predicted = []
    original = ImageTextClassification.predict
    monkeypatch.setattr(ImageTextClassification, "predict",
                        lambda self, *a: predicted.append(a[1].lang) or original(self, *a))
    args = ["eval", "--model", vl_models("vilt"), "--tasks", "xvnli", "--languages", "fr", "--data_dir",
            f"xvnli={tmp_path / 'release'}", "--image_dir", f"xvnli={folder}", "--max_missing_images", "40",
            "--output_path", tmp_path / "run"]
    results = tmp_path / "run" / "results.json"
    assert run_cli(*args).code == 0 and predicted == ["fr"]
    assert json.loads(results.read_text())["results"]["xvnli"]["fr"]["n_missing_images"] == 1
    fresh_store(folder)
    assert run_cli(*args).code == 0 and predicted == ["fr"]  # the same images: resumed, nothing redone
    write_images(folder, names[:1], "xvnli")
    fresh_store(folder)
    assert run_cli(*args).code == 0 and predicted == ["fr", "fr"]  # the missing image is there now: redone
    assert json.loads(results.read_text())["results"]["xvnli"]["fr"]["n_missing_images"] == 0
