import os
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.runs_factory import make_run

GOLDEN = Path(__file__).parent / "golden"
REGISTRY = """
baseline: {text: base}
checkpoints:
  base: {family: text, intermediate: none, model: org/base}
  better: {family: text, intermediate: mnli, model: org/better}
  partial: {family: text, intermediate: squad, model: org/partial}
"""


@pytest.fixture
def root(tmp_path):
    runs = tmp_path / "runs"
    base = {"de": [1] * 60 + [0] * 40, "fr": [1] * 50 + [0] * 50}
    make_run(runs / "base", "base", base)
    make_run(runs / "better", "better", {"de": [1] * 95 + [0] * 5, "fr": [1] * 52 + [0] * 48})
    make_run(runs / "partial", "partial", {"de": [1] * 60 + [0] * 40})
    (tmp_path / "checkpoints.yaml").write_text(REGISTRY)
    return tmp_path


def build(root, out):
    return run_cli("leaderboard", root / "runs", "--out", out, "--checkpoints", root / "checkpoints.yaml",
                   "--resamples", "500", "--no_plots")


def test_leaderboard_matches_golden_files(root, tmp_path):
    result = build(root, tmp_path / "board")
    assert result.code == 0, result.err
    if os.environ.get("HARNESS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name in ("README.md", "xnli.md"):
            (GOLDEN / name).write_text((tmp_path / "board" / name).read_text())
    for name in ("README.md", "xnli.md"):
        assert (tmp_path / "board" / name).read_text() == (GOLDEN / name).read_text(), name


def test_same_inputs_give_byte_identical_markdown(root, tmp_path):
    assert build(root, tmp_path / "a").code == 0
    assert build(root, tmp_path / "b").code == 0
    for name in ("README.md", "xnli.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_missing_task_is_an_empty_cell_never_zero(root, tmp_path):
    make_run(root / "runs" / "other", "other", {"de": [1, 0, 1]}, task="pawsx",
             official=["de", "en", "es", "fr", "ja", "ko", "zh"])
    assert build(root, tmp_path / "board").code == 0
    readme = (tmp_path / "board" / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| other"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    header = next(line for line in readme.splitlines() if line.startswith("| checkpoint"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert cells[columns.index("xnli")] == ""
    assert cells[columns.index("pawsx")] == "66.67 †"  # one of its seven languages


def test_plots_are_written_when_matplotlib_is_there(root, tmp_path):
    pytest.importorskip("matplotlib")
    result = run_cli("leaderboard", root / "runs", "--out", tmp_path / "board", "--checkpoints",
                     root / "checkpoints.yaml", "--resamples", "200")
    assert result.code == 0, result.err
    assert (tmp_path / "board" / "delta-better.png").is_file()
    assert "![delta-better](delta-better.png)" in (tmp_path / "board" / "README.md").read_text()


def test_without_matplotlib_a_note_and_no_plots(root, tmp_path, monkeypatch, caplog):
    import harness.leaderboard.plots as plots

    monkeypatch.setattr(plots, "_pyplot", lambda: None)
    result = run_cli("leaderboard", root / "runs", "--out", tmp_path / "board", "--checkpoints",
                     root / "checkpoints.yaml", "--resamples", "200")
    assert result.code == 0
    assert "matplotlib is not installed" in result.err
    assert not list((tmp_path / "board").glob("*.png"))


def test_iglue_task_page_averages_target_languages_and_shows_english_apart(root, tmp_path):
    official = ["ar", "en", "es", "fr", "ru"]
    make_run(root / "runs" / "vl", "vl", {"en": [1] * 9 + [0], "es": [1] * 5 + [0] * 5, "fr": [1] * 3 + [0] * 7},
             task="xvnli", official=official)
    assert build(root, tmp_path / "board").code == 0
    page = (tmp_path / "board" / "xvnli.md").read_text()
    header = next(line for line in page.splitlines() if line.startswith("| checkpoint"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["checkpoint", "target avg", "en (source)", "es", "fr"]
    row = next(line for line in page.splitlines() if line.startswith("| vl"))
    assert [c.strip() for c in row.strip("|").split("|")][1:3] == ["40.00", "90.00"]  # (50 + 30) / 2; English apart
    readme = (tmp_path / "board" / "README.md").read_text()
    vl = next(line for line in readme.splitlines() if line.startswith("| vl"))
    assert "40.00 †" in vl  # the README's xvnli score: the same target mean, over 2 of 4 target languages


def test_average_marks_use_the_adjusted_p_compare_stored(root, monkeypatch):
    # One correction of the averages, in compare(): the leaderboard shows its p_adjusted as it is.
    import harness.leaderboard.significance as significance
    from harness.leaderboard.runs import BoardRun
    from harness.stats.comparison import CompareSettings
    from harness.taskfiles.index import TaskIndex

    real = significance.compare

    def compare_with_marked_p(*args, **kwargs):
        comparison = real(*args, **kwargs)
        for i, agg in enumerate(comparison.aggregates):
            agg.p_adjusted = 0.001 * (i + 1)
        return comparison

    monkeypatch.setattr(significance, "compare", compare_with_marked_p)
    runs = root / "runs"
    board = significance.board_comparison(BoardRun("base", runs / "base", {}), BoardRun("better", runs / "better", {}),
                                          list(TaskIndex.load().groups.values()), CompareSettings(resamples=200))
    marked = sorted(d.p_adjusted for key, d in board.columns.items())
    assert marked and marked == [pytest.approx(0.001 * (i + 1)) for i in range(len(marked))]
