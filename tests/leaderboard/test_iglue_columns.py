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
