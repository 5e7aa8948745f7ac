"""What the leaderboard's plots show: QA cells with their headline CI, and both suites' gains."""

import json

import numpy as np
import pytest

from harness.leaderboard.plots import delta_rows, research_question_gains
from harness.leaderboard.runs import BoardRun
from harness.leaderboard.significance import BoardComparison, Delta, board_comparison
from harness.stats.bootstrap import percentile_interval
from harness.stats.cells import compare_cell
from harness.stats.comparison import CompareSettings
from harness.stats.pairing import RunFolder, pair_runs
from harness.taskfiles.index import TaskIndex
from tests.helpers import run_cli

QA_METRICS = {"exact_match": {"reducer": "mean", "stat": "exact", "test": "mcnemar"},
              "f1": {"reducer": "mean", "stat": "f1", "test": "permutation"}}


def make_qa_run(folder, name, exact, f1):
    (folder / "samples" / "xquad").mkdir(parents=True)
    rows = [{"id": str(i), "gold": "a", "prediction": "a" if e else "b", "stats": {"exact": e, "f1": f}}
            for i, (e, f) in enumerate(zip(exact, f1))]
    (folder / "samples" / "xquad" / "de.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = {
        "results": {"xquad": {"de": {"exact_match": 100 * np.mean(exact), "f1": 100 * np.mean(f1), "n": len(f1)}}},
        "groups": {}, "errors": {},
        "config": {"model": {"name": name}, "limit": None, "harness": {"version": "0.1.0"},
                   "tasks": {"xquad": {"config_hash": "h", "metrics": QA_METRICS, "main_metric": ["exact_match", "f1"],
                                       "official_languages": ["de", "en"], "model_args": {},
                                       "languages": {"de": {"data_fingerprint": "fp", "n": len(f1)}}}}},
    }
    (folder / "results.json").write_text(json.dumps(data))
    return BoardRun(name, folder, data, family="text", baseline="base" if name != "base" else None)


@pytest.fixture
def qa_runs(tmp_path):
    rng = np.random.default_rng(0)
    f1_base = rng.uniform(0, 1, 60).round(3)
    f1_treat = np.clip(f1_base + rng.normal(0.15, 0.1, 60), 0, 1).round(3)
    base = make_qa_run(tmp_path / "base", "base", (f1_base > 0.8).astype(int).tolist(), f1_base.tolist())
    treat = make_qa_run(tmp_path / "treated", "treated", (f1_treat > 0.8).astype(int).tolist(), f1_treat.tolist())
    return base, treat


def test_qa_cells_get_the_ci_of_their_em_f1_headline(qa_runs):
    base, treat = qa_runs
    settings = CompareSettings(resamples=400)
    board = board_comparison(base, treat, list(TaskIndex.load().groups.values()), settings)
    cell = board.cells[("xquad", "de")]
    assert cell.ci_low is not None and cell.ci_low < cell.delta < cell.ci_high
    # the interval of the averaged replicates of the cell's own EM and F1 bootstrap
    (paired,) = pair_runs(RunFolder.load(base.path, "base"), RunFolder.load(treat.path, "treated"))
    em, f1 = compare_cell(paired, settings.resamples, settings.seed, settings.level)
    averaged = ((em.replicates[1] - em.replicates[0]) + (f1.replicates[1] - f1.replicates[0])) / 2
    assert (cell.ci_low, cell.ci_high) == pytest.approx(percentile_interval(averaged, settings.level))
    assert [key for key, _ in delta_rows(board)] == [("xquad", "de")]


def test_qa_only_runs_get_a_delta_plot(qa_runs, tmp_path):
    pytest.importorskip("matplotlib")
    registry = tmp_path / "checkpoints.yaml"
    registry.write_text("baseline: {text: base}\ncheckpoints:\n  base: {family: text, model: x}\n"
                        "  treated: {family: text, model: y}\n")
    result = run_cli("leaderboard", tmp_path / "base", tmp_path / "treated", "--out", tmp_path / "board",
                     "--checkpoints", registry, "--resamples", "200")
    assert result.code == 0, result.err
    assert (tmp_path / "board" / "delta-treated.png").is_file()


def test_research_question_chart_shows_both_suites_for_the_same_checkpoint(tmp_path):
    def delta(value):
        return Delta(value, value - 1, value + 1, 0.01, True)

    runs = [BoardRun("base", tmp_path, {}, family="text"),
            BoardRun("treated", tmp_path, {}, family="text", baseline="base")]
    # XTREME's official average counts English, IGLUE's does not: the chart shows the English-free
    # XTREME average beside IGLUE's, never the official one.
    comparisons = {"treated": BoardComparison({"xtreme": delta(2.0), "xtreme-targets": delta(1.5),
                                               "iglue": delta(-0.5), "xtreme/xnli": delta(1.0)}, {})}
    gains = research_question_gains(runs, comparisons)
    assert [(name, group, d.delta) for name, group, d in gains] == [("treated", "xtreme-targets", 1.5),
                                                                   ("treated", "iglue", -0.5)]


def test_the_leaderboard_compares_runs_on_the_english_free_xtreme_average(tmp_path, monkeypatch):
    import harness.leaderboard.build as build
    from tests.runs_factory import make_run

    make_run(tmp_path / "runs" / "base", "base", {"en": [1] * 60 + [0] * 40, "de": [1] * 50 + [0] * 50})
    make_run(tmp_path / "runs" / "treated", "treated", {"en": [1] * 95 + [0] * 5, "de": [1] * 52 + [0] * 48})
    runs = [make_board_run(tmp_path / "runs" / "base", "base", None),
            make_board_run(tmp_path / "runs" / "treated", "treated", "base")]
    captured = {}

    def capture(out, runs, comparisons, *args):
        captured.update(comparisons)
        return []

    monkeypatch.setattr(build, "write_plots", capture)
    build.build_leaderboard(runs, TaskIndex.load(), tmp_path / "board", CompareSettings(resamples=200))
    columns = captured["treated"].columns
    # what the chart's XTREME side averages: the target languages only (de: 50 → 52), not English
    assert columns["xtreme-targets/xnli"].delta == pytest.approx(2.0)
    assert columns["xtreme/xnli"].delta == pytest.approx((35 + 2) / 2)
    assert not columns["xtreme-targets/xnli"].significant  # derived: outside the family, never a *


def make_board_run(folder, name, baseline):
    data = json.loads((folder / "results.json").read_text())
    return BoardRun(name, folder, data, family="text", baseline=baseline)


def test_the_qa_caption_follows_the_main_metrics_not_task_names(qa_runs):
    from harness.leaderboard.plots import has_averaged_headline

    base, treat = qa_runs
    renamed = dict(treat.data, config={"tasks": {"my_qa": treat.data["config"]["tasks"]["xquad"]}})
    cell = Delta(1.0, 0.0, 2.0, 0.01, True)
    assert has_averaged_headline(BoardRun("r", treat.path, renamed), [(("my_qa", "de"), cell)])
    single = {"config": {"tasks": {"xquad": {"main_metric": ["f1"]}}}}
    assert not has_averaged_headline(BoardRun("r", treat.path, single), [(("xquad", "de"), cell)])


def test_a_plot_that_fails_half_way_leaves_the_previous_file(tmp_path):
    from harness.leaderboard.plots import _save

    target = tmp_path / "research-question.png"
    target.write_bytes(b"previous")

    class Broken:
        def savefig(self, handle, **kwargs):
            handle.write(b"\x89PNG half")
            raise OSError("disk full")

    class Plt:
        closed = False

        def close(self, fig):
            Plt.closed = True

    with pytest.raises(OSError):
        _save(Plt(), Broken(), target)
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == [target.name]
    assert Plt.closed
