"""harness eval's task × language units: each language meets the other ranks once, resuming
reads a unit's data identity once, and a finished unit whose data cannot be read now is kept."""

import json
import shutil

import pytest

from harness.data.records import LanguageData
from harness.data.sources import DEMO_DATA_DIR
from tests.helpers import run_cli, write_hub_mirror


@pytest.fixture()
def agreements(monkeypatch):
    """Every call to agree_on_unit (what torchrun's ranks meet at after each unit): where, and
    the type of this rank's failure (None: it finished)."""
    from harness.evaluator import evaluate

    calls = []
    real = evaluate.agree_on_unit

    def spy(dist, where, failure):
        calls.append((where, type(failure).__name__ if failure is not None else None))
        return real(dist, where, failure)

    monkeypatch.setattr(evaluate, "agree_on_unit", spy)
    return calls


@pytest.fixture()
def identities(monkeypatch):
    """The language of every LanguageData.identity() computed (it stats every image)."""
    calls = []
    real = LanguageData.identity

    def spy(self):
        calls.append(self.lang)
        return real(self)

    monkeypatch.setattr(LanguageData, "identity", spy)
    return calls


def pawsx_copy(tmp_path):
    data = tmp_path / "pawsx"
    shutil.copytree(DEMO_DATA_DIR / "pawsx", data)
    return data


def test_every_language_meets_the_other_ranks_once_whatever_happens_to_it(tmp_path, tiny_models, agreements):
    """Under torchrun a rank that skipped agree_on_unit (its data unreadable, the unit already
    done, the task stopped) would leave the others waiting or out of step."""
    data = pawsx_copy(tmp_path)
    (data / "fr" / "test_2k.tsv").unlink()
    args = ["eval", "--model", "demo", "--tasks", "pawsx", "--languages", "de,fr", "--data_dir", f"pawsx={data}",
            "--output_path", tmp_path / "run"]
    assert run_cli(*args).code == 2  # fr's file is missing
    assert agreements == [("pawsx/de", None), ("pawsx/fr", "HarnessError")]
    agreements.clear()
    assert run_cli(*args).code == 2  # resumed: de found finished, fr unreadable again
    assert agreements == [("pawsx/de", None), ("pawsx/fr", "HarnessError")]
    agreements.clear()
    (tmp_path / "empty").mkdir()  # xnli.test.tsv, which every language reads, is missing: the task stops
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de,fr",
                   "--data_dir", f"xnli={tmp_path / 'empty'}").code == 2
    assert agreements == [("xnli/de", "TaskStopped")]
    agreements.clear()
    model = tiny_models("sequence_classification", ["positive", "negative"])  # labels XNLI cannot map
    result = run_cli("eval", "--model", model, "--tasks", "xnli", "--languages", "de,fr", "--data_dir", "xnli=demo")
    assert agreements == [("xnli/de", "TaskStopped")]
    assert result.err.count("cannot map checkpoint labels") == 1, result.err  # still one line for the task


def test_a_unit_computes_its_data_identity_once(tmp_path, identities):
    data = pawsx_copy(tmp_path)
    args = ["eval", "--model", "demo", "--tasks", "pawsx", "--languages", "de,fr", "--data_dir", f"pawsx={data}",
            "--output_path", tmp_path / "run"]
    assert run_cli(*args).code == 0
    assert identities == ["de", "fr"]
    identities.clear()
    path = data / "de" / "test_2k.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("Mädchen", "Kind"), encoding="utf-8")
    assert run_cli(*args).code == 0  # de changed: checked and recomputed; fr checked and skipped
    assert identities == ["de", "fr"]


def test_a_finished_hub_run_resumed_offline_keeps_its_units(tmp_path, tiny_models, monkeypatch, unreachable_hub):
    import datasets

    from harness.data import hub

    offline = hub._load_split_cached  # unreachable_hub's stub
    rows = [{"sentence1": f"a{i}", "sentence2": f"b{i}", "label": str(i % 2)} for i in range(4)]
    mirror = tmp_path / "mirror"
    write_hub_mirror(mirror, {"PAWS-X.de": {"test": rows}, "PAWS-X.fr": {"test": rows}})
    monkeypatch.setattr(hub, "_load_split_cached",
                        lambda path, config, split, revision: datasets.load_dataset(str(mirror), config, split=split))
    out = tmp_path / "run"
    args = ["eval", "--model", tiny_models("sequence_classification", ["0", "1"]), "--tasks", "pawsx",
            "--languages", "de,fr", "--output_path", out]
    assert run_cli(*args).code == 0
    before = json.loads((out / "results.json").read_text())
    monkeypatch.setattr(hub, "_load_split_cached", offline)
    result = run_cli(*args)
    assert result.code == 0, result.err
    after = json.loads((out / "results.json").read_text())
    assert after["results"] == before["results"] and after["errors"] == {}
    for lang in ("de", "fr"):
        assert f"pawsx/{lang}: kept the recorded result unchecked" in result.err, result.err
    assert "cannot load hub dataset google/xtreme" in result.err
    assert unreachable_hub == ["PAWS-X.de"]  # the hub is not waited for again for French
