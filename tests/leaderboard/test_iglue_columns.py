"""The leaderboard's IGLUE columns: source mean, target mean and gap over the same tasks."""

import pytest

from harness.leaderboard.scores import columns_for, run_values
from harness.taskfiles.index import TaskIndex

INDEX = TaskIndex.load()
GROUP = INDEX.groups["iglue"]


def run_data(results):
    tasks = {name: {"main_metric": list(INDEX.tasks[name].main_metric),
                    "official_languages": list(INDEX.tasks[name].languages)} for name in results}
    return {"results": results, "config": {"tasks": tasks}}


def test_iglue_columns_show_a_target_mean_with_source_minus_target_equal_to_the_gap():
    results = {
        "xvnli": {"en": {"accuracy": 76.0}, "ar": {"accuracy": 60.0}},
        "xgqa": {"en": {"accuracy": 50.0}, "de": {"accuracy": 30.0}},
        "marvl": {"id": {"accuracy": 57.0}},  # no NLVR2 (English) score
        "xflickrco": {"en": {"ir_r1": 40.0, "tr_r1": 44.0}, "de": {"ir_r1": 10.0, "tr_r1": 12.0}},
        "wit": {"en": {"ir_r1": 16.0, "tr_r1": 17.0}, "ar": {"ir_r1": 8.0, "tr_r1": 9.0}},
    }
    keys = [c.key for c in columns_for([GROUP], set(results))]
    assert keys[-3:] == ["iglue/[en]", "iglue/[target]", "iglue/[gap]"]
    values = run_values(run_data(results), [GROUP])
    assert values["iglue/[en]"] == pytest.approx((76 + 50 + 40 + 16) / 4)
    assert values["iglue/[target]"] == pytest.approx((60 + 30 + 10 + 8) / 4)
    assert values["iglue/[en]"] - values["iglue/[target]"] == values["iglue/[gap]"]
    assert values["iglue"] == pytest.approx((60 + 30 + 57 + 10 + 8) / 5)  # the IGLUE average covers MaRVL too


def test_the_target_column_gets_its_own_significance_mark(tmp_path):
    from pathlib import Path

    from harness.leaderboard.runs import BoardRun
    from harness.leaderboard.significance import board_comparison
    from harness.stats.comparison import CompareSettings
    from harness.taskfiles.schema import GroupConfig
    from tests.stats.run_folders import ACCURACY, binary_stats, write_run

    group = GroupConfig("mm", ("mm_a", "mm_b"), Path("mm.yaml"), exclude_languages=("en",), gap_language="en")

    def run(name, target):
        flags = {"en": [1] * 320 + [0] * 80, "ar": [1] * target + [0] * (400 - target)}
        units = {t: {lang: binary_stats(f) for lang, f in flags.items()} for t in group.tasks}
        return BoardRun(name, write_run(tmp_path / name, units, {t: ACCURACY for t in group.tasks}), {})

    board = board_comparison(run("base", 200), run("treat", 260), [group], CompareSettings(resamples=300))
    target, gap, source = board.columns["mm/[target]"], board.columns["mm/[gap]"], board.columns["mm/[en]"]
    assert target.delta == pytest.approx(15.0) and target.significant
    assert gap.delta == pytest.approx(-15.0) and source.delta == pytest.approx(0.0)
    assert source.delta - target.delta == pytest.approx(gap.delta)


def test_run_values_say_which_task_columns_cover_every_official_language():
    results = {"xvnli": {lang: {"accuracy": 50.0} for lang in INDEX.tasks["xvnli"].languages},
               "xgqa": {"de": {"accuracy": 30.0}}}
    values = run_values(run_data(results), [GROUP])
    assert values["iglue/xvnli/complete"] is True and values["iglue/xgqa/complete"] is False
