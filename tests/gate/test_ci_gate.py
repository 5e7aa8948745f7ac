import os
import shlex
from pathlib import Path

import pytest
import yaml

from tests.helpers import run_cli
from tests.runs_factory import make_run
from tests.stats.run_folders import ACCURACY, binary_stats, write_mm_suite, write_run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def runs(tmp_path):
    base = make_run(tmp_path / "base", "base", {"de": [1] * 80 + [0] * 20, "fr": [1] * 70 + [0] * 30})
    worse = make_run(tmp_path / "worse", "worse", {"de": [1] * 50 + [0] * 50, "fr": [1] * 70 + [0] * 30})
    better = make_run(tmp_path / "better", "better", {"de": [1] * 95 + [0] * 5, "fr": [1] * 71 + [0] * 29})
    slight = make_run(tmp_path / "slight", "slight", {"de": [1] * 79 + [0] * 21, "fr": [1] * 70 + [0] * 30})
    return {"base": base, "worse": worse, "better": better, "slight": slight}


def gate(candidate, baseline, *extra):
    return run_cli("ci", "--candidate", candidate, "--baseline", baseline, "--tasks", "xnli", "--resamples", "500",
                   *extra)


def test_significant_regression_exits_1_and_names_it(runs, tmp_path, monkeypatch):
    summary_env = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_env))
    result = gate(runs["worse"], runs["base"], "--summary", tmp_path / "s.md")
    assert result.code == 1, result.err
    text = (tmp_path / "s.md").read_text()
    assert "FAIL" in text and "xnli/de accuracy" in text and "xnli/fr" not in text.split("<details>")[0]
    assert "xnli/de" in result.err
    assert "FAIL" in summary_env.read_text()


def test_improvement_passes(runs):
    assert gate(runs["better"], runs["base"]).code == 0


def test_no_change_passes(runs):
    assert gate(runs["base"], runs["base"]).code == 0


def test_drop_within_max_drop_passes_even_if_large_enough_to_matter_elsewhere(runs):
    assert gate(runs["slight"], runs["base"]).code == 0
    assert gate(runs["worse"], runs["base"], "--max-drop", "40").code == 0


def test_bad_input_exits_2(runs, tmp_path):
    result = gate(runs["worse"], tmp_path / "nowhere")
    assert result.code == 2 and "nowhere" in result.err
    assert gate(runs["worse"], runs["base"], "--max-drop", "-1").code == 2


def test_candidate_model_is_evaluated_then_gated(tmp_path):
    base = tmp_path / "runs" / "demo-base"
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--output_path", base).code == 0
    result = run_cli("ci", "--candidate", "demo", "--baseline", base, "--tasks", "xnli", "--results",
                     tmp_path / "runs", "--resamples", "300")
    assert result.code == 0, result.err
    assert (tmp_path / "runs" / "demo" / "results.json").is_file()


WORKFLOW_ENV = {"CHECKPOINT": "demo-intermediate", "BASELINE": "demo", "TASKS": "xtreme", "MAX_DROP": "1.0"}


def workflow_steps():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "evaluate-checkpoint.yml").read_text())
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def workflow_command(fragment: str):
    """The parsed arguments of the workflow's first command line containing ``fragment``."""
    from harness.cli.main import build_parser

    lines = [line for step in workflow_steps() for line in step.get("run", "").splitlines() if fragment in line]
    assert lines, f"the workflow must run {fragment}"
    line = " ".join(lines[0].split())
    for key, value in WORKFLOW_ENV.items():
        line = line.replace(f"${{{key}}}", value).replace(f"${key}", value)
    argv = shlex.split(line)
    return build_parser().parse_args(argv[argv.index("harness") + 1:])


def test_workflow_runs_a_command_the_cli_accepts():
    args = workflow_command("harness ci")
    assert args.command == "ci" and args.candidate == "demo-intermediate"


def test_workflow_caches_the_baseline_run_but_never_the_candidates():
    cached = [Path(p.strip().rstrip("/")) for step in workflow_steps() if "actions/cache" in step.get("uses", "")
              for p in step["with"]["path"].splitlines() if p.strip()]
    gate, baseline = workflow_command("harness ci"), workflow_command("harness eval")
    assert baseline.model == "demo" and Path(gate.baseline) == Path(baseline.output_path)

    def under_cache(path):
        return any(path == c or c in path.parents for c in cached)

    assert under_cache(Path(baseline.output_path))
    # harness ci writes the candidate's run under --results: that folder must start empty every time
    assert gate.results is not None and not under_cache(gate.results)
    assert not any(c == gate.results or gate.results in c.parents for c in cached)


def test_workflow_baseline_cache_is_never_restored_across_harness_code_changes():
    (step,) = [s for s in workflow_steps()
               if "actions/cache" in s.get("uses", "") and s["with"]["path"] == "baseline-runs"]
    code = "hashFiles('harness/**/*.py', 'tasks/**'"
    keys = [step["with"]["key"], *[k for k in step["with"]["restore-keys"].splitlines() if k.strip()]]
    assert all(code in key for key in keys), keys


def test_workflow_pick_step_names_the_baseline_and_keys_its_cache(tmp_path):
    import subprocess
    import sys

    step = next(s for s in workflow_steps() if s.get("id") == "pick")
    script = step["run"].split("<<'PY'", 1)[1].split("\n", 1)[1].split("\nPY", 1)[0]
    env = {**os.environ, "INPUT_CHECKPOINT": "demo-intermediate", "PR_BODY": ""}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert outputs["checkpoint"] == "demo-intermediate" and outputs["baseline"] == "demo"
    assert len(outputs["baseline_entry"]) == 16


def test_a_task_the_baseline_skipped_is_named_not_gated(runs, tmp_path):
    import json

    results = runs["base"] / "results.json"
    data = json.loads(results.read_text())
    data["config"]["tasks"]["pawsx"] = {"skipped": "checkpoints.yaml: checkpoints.base lists no checkpoint for pawsx"}
    results.write_text(json.dumps(data))
    pawsx = make_run(tmp_path / "cand", "cand", {"de": [1, 0]}, task="pawsx")
    xnli = json.loads((runs["better"] / "results.json").read_text())
    data = json.loads((pawsx / "results.json").read_text())
    data["results"]["xnli"] = xnli["results"]["xnli"]
    data["config"]["tasks"]["xnli"] = xnli["config"]["tasks"]["xnli"]
    (pawsx / "samples" / "xnli").mkdir()
    for lang in ("de", "fr"):
        (pawsx / "samples" / "xnli" / f"{lang}.jsonl").write_text(
            (runs["better"] / "samples" / "xnli" / f"{lang}.jsonl").read_text())
    (pawsx / "results.json").write_text(json.dumps(data))
    result = run_cli("ci", "--candidate", pawsx, "--baseline", runs["base"], "--tasks", "xnli,pawsx",
                     "--resamples", "300", "--summary", tmp_path / "s.md")
    assert result.code == 0, result.err
    assert "- pawsx: skipped by the baseline: checkpoints.yaml" in (tmp_path / "s.md").read_text()
    everything_skipped = run_cli("ci", "--candidate", pawsx, "--baseline", runs["base"], "--tasks", "pawsx")
    assert everything_skipped.code == 2 and "nothing to gate" in everything_skipped.err


@pytest.fixture
def gap_runs(tmp_path):
    """A suite with a transfer gap (IGLUE's shape): a baseline at 80% English / 50% targets, a
    candidate that closes the gap (targets +15) and one that widens it (English +15)."""
    tasks = write_mm_suite(tmp_path)

    def run(name, english, target):
        flags = {"en": [1] * english + [0] * (400 - english), "ar": [1] * target + [0] * (400 - target),
                 "id": [1] * target + [0] * (400 - target)}
        units = {t: {lang: binary_stats(f) for lang, f in flags.items()} for t in ("mm_nli", "mm_vqa")}
        return write_run(tmp_path / name, units, {"mm_nli": ACCURACY, "mm_vqa": ACCURACY})

    return {"tasks": tasks, "base": run("base", 320, 200), "closes": run("closes", 320, 260),
            "widens": run("widens", 380, 200)}


def gap_gate(runs, candidate, tmp_path):
    return run_cli("ci", "--candidate", runs[candidate], "--baseline", runs["base"], "--tasks", "mm_suite",
                   "--include_path", runs["tasks"], "--resamples", "500", "--summary", tmp_path / "s.md")


def test_closing_the_transfer_gap_passes(gap_runs, tmp_path):
    result = gap_gate(gap_runs, "closes", tmp_path)
    assert result.code == 0, result.out
    assert "PASS" in (tmp_path / "s.md").read_text()


def test_a_significantly_wider_transfer_gap_fails_and_says_so(gap_runs, tmp_path):
    result = gap_gate(gap_runs, "widens", tmp_path)
    assert result.code == 1, result.out
    summary = (tmp_path / "s.md").read_text().split("<details>")[0]
    assert "average mm_suite/gap (transfer gap grew) | +15.00" in summary
    assert "a rise of more than 1 points: the gap growing" in summary
    assert "mm_suite/gap" in result.err
    # English rose; nothing else counts as a regression
    assert summary.count("| average ") == 1 and "accuracy" not in summary


def test_the_gate_reads_the_averages_adjusted_p_from_the_comparison(gap_runs, tmp_path, monkeypatch):
    # The averages' correction happens once, in compare(); the gate must not redo it its own way.
    import harness.gate.regression as regression

    real = regression.compare

    def compare_with_marked_p(*args, **kwargs):
        comparison = real(*args, **kwargs)
        for agg in comparison.aggregates:
            agg.p_adjusted = 0.5
        return comparison

    monkeypatch.setattr(regression, "compare", compare_with_marked_p)
    assert gap_gate(gap_runs, "widens", tmp_path).code == 0
