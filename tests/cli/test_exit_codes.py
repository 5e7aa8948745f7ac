"""Exit statuses: 2 for bad input, 3 for an internal error, 1 only for a regression in harness ci."""

import pytest

from tests.helpers import run_cli
from tests.runs_factory import make_run


def test_an_unexpected_exception_exits_3_with_its_traceback(monkeypatch):
    import harness.cli.tasks_cmd as tasks_cmd

    def broken(args):
        raise KeyError("not a user mistake")

    monkeypatch.setattr(tasks_cmd, "run", broken)
    result = run_cli("tasks")
    assert result.code == 3
    assert "Traceback (most recent call last)" in result.err and "KeyError" in result.err
    assert "harness: internal error: KeyError" in result.err


def test_a_crash_inside_harness_ci_is_not_read_as_a_regression(monkeypatch, tmp_path):
    import harness.gate.regression as regression

    run = make_run(tmp_path / "base", "base", {"de": [1, 0, 1, 1]})

    def crash(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(regression, "compare", crash)
    result = run_cli("ci", "--candidate", run, "--baseline", run, "--tasks", "xnli", "--resamples", "100")
    assert result.code == 3 and "ZeroDivisionError" in result.err


def test_bad_input_still_exits_2_in_one_line():
    result = run_cli("eval", "--model", "demo", "--tasks", "no_such_task")
    assert result.code == 2 and "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["compare", "ci", "leaderboard"])
@pytest.mark.parametrize("flag, value, message", [
    ("--seed", "-1", "--seed -1: expected a non-negative integer"),
    ("--alpha", "5", "--alpha 5: expected a significance level between 0 and 1"),
    ("--alpha", "0", "--alpha 0: expected a significance level between 0 and 1"),
    ("--alpha", "nan", "--alpha nan: expected a significance level between 0 and 1"),
])
def test_compare_ci_and_leaderboard_refuse_the_same_bad_significance_settings(command, flag, value, message,
                                                                               tmp_path):
    # One validator for the three commands: --alpha 5 would make every large drop "significant" in
    # harness ci, and a negative seed used to crash numpy (exit 3) instead of naming the flag.
    run = make_run(tmp_path / "base", "base", {"de": [1, 0, 1, 1]})
    args = {"compare": [run, run], "ci": ["--candidate", run, "--baseline", run, "--tasks", "xnli"],
            "leaderboard": [run, "--out", tmp_path / "board", "--no_plots"]}[command]
    result = run_cli(command, *args, flag, value)
    assert result.code == 2, result.err
    assert message in result.err and "Traceback" not in result.err
