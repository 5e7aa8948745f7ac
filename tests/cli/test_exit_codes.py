"""Exit statuses: 2 for bad input, 3 for an internal error, 1 only for a regression in harness ci."""

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
