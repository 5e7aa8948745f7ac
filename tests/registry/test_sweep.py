"""harness sweep: local runs that survive failures, and Slurm arrays of what is left to do."""

import shlex

import pytest

from harness.cli.main import build_parser
from tests.helpers import run_cli

REGISTRY = """
checkpoints:
  base: {family: text, model: demo}
  other: {family: text, model: demo-intermediate}
  third: {family: text, model: demo}
"""


@pytest.fixture
def registry_file(tmp_path):
    path = tmp_path / "checkpoints.yaml"
    path.write_text(REGISTRY)
    return path


def slurm(registry_file, root, script, *extra):
    return run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--slurm", script,
                   *extra)


def array_of(script):
    text = script.read_text()
    names = next(line for line in text.splitlines() if line.startswith("NAMES=("))
    return shlex.split(names[len("NAMES=("):-1])


def test_slurm_jobs_get_the_same_eval_options_as_a_local_sweep(registry_file, tmp_path):
    script = tmp_path / "sweep.sbatch"
    result = slurm(registry_file, tmp_path / "root", script, "--limit", "3", "--batch_size", "8", "--device", "cuda",
                   "--overwrite")
    assert result.code == 0, result.err
    line = next(line for line in script.read_text().splitlines() if line.startswith("harness eval"))
    args = build_parser().parse_args(shlex.split(line.replace('"$NAME"', "base"))[1:])
    assert (args.limit, args.batch_size, args.device, args.overwrite) == (3, 8, "cuda", True)


def test_slurm_log_folder_exists_before_submission(registry_file, tmp_path):
    root = tmp_path / "not" / "yet" / "there"
    assert slurm(registry_file, root, tmp_path / "sweep.sbatch").code == 0
    assert root.is_dir()  # Slurm does not create the --output folder; the job would fail unlogged


def test_slurm_array_holds_only_unfinished_checkpoints(registry_file, tmp_path):
    root = tmp_path / "root"
    done = run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--limit", "3",
                   "--only", "base")
    assert done.code == 0, done.err
    script = tmp_path / "sweep.sbatch"
    assert slurm(registry_file, root, script, "--limit", "3").code == 0
    assert array_of(script) == ["other", "third"] and "#SBATCH --array=0-1" in script.read_text()
    # another --limit is another run: base is pending again; --overwrite re-runs everything
    assert slurm(registry_file, root, script, "--limit", "4").code == 0 and array_of(script)[0] == "base"
    assert slurm(registry_file, root, script, "--limit", "3", "--overwrite").code == 0
    assert array_of(script) == ["base", "other", "third"]


def test_nothing_pending_writes_no_script(registry_file, tmp_path):
    root = tmp_path / "root"
    assert run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--limit", "3").code == 0
    script = tmp_path / "sweep.sbatch"
    result = slurm(registry_file, root, script, "--limit", "3")
    assert result.code == 0 and "nothing to submit" in result.out and not script.exists()


def test_an_internal_error_in_one_checkpoint_does_not_stop_the_sweep(registry_file, tmp_path, monkeypatch):
    import harness.evaluator.evaluate as evaluate

    real = evaluate.run_eval

    def flaky(request):
        if request.model == "other":
            raise ValueError("a bug")
        return real(request)

    monkeypatch.setattr(evaluate, "run_eval", flaky)
    root = tmp_path / "root"
    result = run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--limit", "3")
    assert result.code == 3
    assert "other" in result.out and "internal error" in result.out and "ValueError: a bug" in result.err
    assert (root / "base" / "results.json").is_file() and (root / "third" / "results.json").is_file()


def test_a_skipped_task_counts_as_done(tmp_path, tiny_models):
    encoder = tiny_models("encoder")
    xnli = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"])
    registry = tmp_path / "checkpoints.yaml"
    registry.write_text(f"checkpoints:\n  partial: {{family: text, model: {encoder}, tasks: {{xnli: {xnli}}}}}\n")
    root = tmp_path / "root"
    common = ("--checkpoints", registry, "--tasks", "xnli,pawsx", "--results", root, "--limit", "3",
              "--data_dir", "xnli=demo", "--data_dir", "pawsx=demo")
    first = run_cli("sweep", *common)
    assert first.code == 0, first.err
    assert "partial: skipped pawsx" in first.out
    result = run_cli("sweep", *common, "--slurm", tmp_path / "sweep.sbatch")
    assert result.code == 0 and "nothing to submit" in result.out
