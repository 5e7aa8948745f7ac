import json

from tests.helpers import run_cli


def test_demo_eval_runs_offline_and_writes_run_folder(tmp_path):
    result = run_cli("eval", "--model", "demo", "--tasks", "xtreme", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert {"xnli", "pawsx", "tatoeba", "bucc2018"} <= set(data["results"])
    assert "xtreme" in data["groups"]
    assert (tmp_path / "run" / "samples" / "xnli" / "de.jsonl").is_file()
    assert "xnli" in result.out
