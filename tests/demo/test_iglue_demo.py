import json

import pytest

from harness.demo import iglue_data
from harness.data.sources import DEMO_DATA_DIR
from tests.helpers import run_cli


def test_committed_iglue_demo_sets_equal_what_the_generator_writes(tmp_path):
    iglue_data.make_iglue(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for relative in written:
        assert (DEMO_DATA_DIR / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative
    images = json.loads((tmp_path / "iglue_images.json").read_text())
    assert set(images) == {"xvnli", "xgqa", "marvl", "xflickrco", "wit"}


def test_demo_runs_iglue_offline_and_prints_english_and_gap(tmp_path):
    result = run_cli("eval", "--model", "demo", "--tasks", "iglue", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert set(data["results"]) == {"xvnli", "xgqa", "marvl", "xflickrco", "wit"}
    families = {task: next(iter(meta["languages"].values()))["info"]["family"]
                for task, meta in data["config"]["tasks"].items()}
    assert families == {"xvnli": "classifier", "marvl": "classifier", "xgqa": "generative",
                        "xflickrco": "dual_encoder", "wit": "dual_encoder"}
    group = data["groups"]["iglue"]
    # MaRVL's English is the demo's NLVR2-style test file: every task has a gap
    assert data["results"]["marvl"]["en"]["n"] == 10 and data["results"]["marvl"]["en"]["n_missing_images"] == 0
    assert group["gap_tasks"] == ["xvnli", "xgqa", "marvl", "xflickrco", "wit"] and group["no_source_tasks"] == []
    assert group["en"] - group["target"] == group["gap"] and group["target"] == pytest.approx(group["score"])
    overall = next(line for line in result.out.splitlines() if "iglue   | [overall]" in line)
    assert "en=" in overall and "target=" in overall and "gap=" in overall and "no English" not in overall
