import json

import pytest

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.results.store import RunStore


def _data(rows, source="local:/a", dev=None):
    return LanguageData("t", "de", "test", rows, source, {"dev": dev} if dev is not None else {})


def _store_with_unit(tmp_path, data):
    store = RunStore.open(tmp_path / "run", {"model": {"name": "m"}, "limit": None}, overwrite=False)
    store.task_meta("t").update({"config_hash": "h", "model_args": {}})
    store.record_unit("t", "de", {"accuracy": 50.0}, 2, [{"id": "0"}, {"id": "1"}], {**data.identity(), "n": 2}, None)
    return store


def test_a_unit_is_done_only_for_the_same_data_identity(tmp_path):
    rows = [{"id": "0", "label": "a"}, {"id": "1", "label": "b"}]
    store = _store_with_unit(tmp_path, _data(rows))
    assert store.unit_done("t", "de", "h", {}, _data(rows).identity())
    changed = [{"id": "0", "label": "a"}, {"id": "1", "label": "c"}]
    assert not store.unit_done("t", "de", "h", {}, _data(changed).identity())  # same folder, new content
    assert not store.unit_done("t", "de", "h", {}, _data(rows, source="local:/b").identity())  # another --data_dir
    assert not store.unit_done("t", "de", "other-hash", {}, _data(rows).identity())


def test_the_pairing_fingerprint_covers_the_evaluated_split_only():
    rows = {"source": [["s1", "x"]], "target": [["e1", "y"]], "gold": [["s1", "e1"]]}
    evaluated = _data(rows, dev={"source": [], "target": [], "gold": []})
    scored = _data(rows)  # harness score reads no dev split
    assert evaluated.fingerprint == scored.fingerprint
    assert "dev" in evaluated.identity()["extra_fingerprints"]
    assert evaluated.identity() != scored.identity()


def test_data_fingerprints_are_unchanged_from_earlier_versions():
    """Recorded runs keep resuming and pairing: the value the first version (51a3810) computed."""
    rows = [{"id": "0", "premise": "Der Hund schläft.", "hypothesis": "Ein Tier ruht.", "label": "entailment"}]
    assert LanguageData("xnli", "de", "test", rows, "demo").fingerprint == "0b5ffc4a181ea995"


def test_overwrite_never_removes_a_folder_it_is_told_to_keep(tmp_path):
    store = _store_with_unit(tmp_path, _data([{"id": "0"}]))
    (store.folder / "predictions" / "xnli").mkdir(parents=True)
    (store.folder / "predictions" / "xnli" / "test-de.tsv").write_text("neutral\n")
    other = {"model": {"predictions": "elsewhere"}, "limit": None}
    with pytest.raises(HarnessError, match="choose another --output_path"):
        RunStore.open(store.folder, other, overwrite=True, keep={"--predictions": store.folder / "predictions"})
    with pytest.raises(HarnessError, match="--overwrite"):
        RunStore.open(store.folder, other, overwrite=False)
    assert (store.folder / "predictions" / "xnli" / "test-de.tsv").is_file()
    assert json.loads((store.folder / "results.json").read_text())["config"]["model"] == {"name": "m"}
    RunStore.open(store.folder, other, overwrite=True, keep={"--predictions": tmp_path / "elsewhere"})
    assert not (store.folder / "predictions").exists()
