import pytest

from harness.results.groups import group_summary, task_summary
from harness.taskfiles.schema import GroupConfig


def group(**kw):
    return GroupConfig(group="g", tasks=("a", "b", "q"), source_file=None, **kw)


META = {"a": {"main_metric": ["accuracy"], "languages": ["en", "de", "fr"]},
        "b": {"main_metric": ["f1"], "languages": ["de", "fr"]},
        "q": {"main_metric": ["exact_match", "f1"], "languages": ["en", "de"]}}
RESULTS = {
    "a": {"en": {"accuracy": 90.0, "n": 10}, "de": {"accuracy": 80.0, "n": 1000}, "fr": {"accuracy": 70.0, "n": 10}},
    "b": {"de": {"f1": 50.0}, "fr": {"f1": 60.0}},
    "q": {"en": {"exact_match": 60.0, "f1": 80.0}, "de": {"exact_match": 40.0, "f1": 60.0}},
}


def test_xtreme_style_average_is_unweighted_over_languages_then_tasks():
    out = group_summary(group(categories={"cls": ("a",), "rest": ("b", "q")}), RESULTS, META)
    assert out["tasks"]["a"]["score"] == pytest.approx(80.0)  # not weighted by n
    assert out["tasks"]["q"]["score"] == pytest.approx((70 + 50) / 2)  # (EM + F1) / 2 per language
    assert out["score"] == pytest.approx((80 + 55 + 60) / 3)
    assert out["categories"] == {"cls": pytest.approx(80.0), "rest": pytest.approx((55 + 60) / 2)}
    assert out["complete"] is True


def test_missing_task_leaves_overall_empty_and_says_so():
    results = {k: v for k, v in RESULTS.items() if k != "b"}
    out = group_summary(group(categories={"cls": ("a",), "rest": ("b", "q")}), results, META)
    assert out["score"] is None and out["missing_tasks"] == ["b"]
    assert out["categories"]["cls"] == pytest.approx(80.0) and out["categories"]["rest"] is None


def test_language_subset_is_flagged_incomplete():
    results = dict(RESULTS, a={"de": {"accuracy": 80.0}})
    out = group_summary(group(), results, META)
    assert out["complete"] is False and out["tasks"]["a"]["missing_languages"] == ["en", "fr"]


def test_iglue_style_excludes_english_and_reports_gap():
    summary = task_summary({"en": {"accuracy": 70.0}, "de": {"accuracy": 50.0}, "fr": {"accuracy": 40.0}},
                           ["accuracy"], ["en", "de", "fr"], exclude=("en",), gap_language="en")
    assert summary["score"] == pytest.approx(45.0)
    assert summary["en"] == 70.0 and summary["gap"] == pytest.approx(25.0)
