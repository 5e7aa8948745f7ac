import pytest

from harness.errors import HarnessError
from harness.results.groups import group_summary
from harness.results.table import results_table
from harness.taskfiles.index import TaskIndex
from harness.taskfiles.schema import group_from_dict

INDEX = TaskIndex.load()
GROUP = INDEX.groups["iglue"]

RESULTS = {
    "xvnli": {"en": {"accuracy": 76.0}, "ar": {"accuracy": 60.0}, "es": {"accuracy": 64.0}, "fr": {"accuracy": 62.0},
              "ru": {"accuracy": 58.0}},
    "marvl": {lang: {"accuracy": 55.0 + i} for i, lang in enumerate(["id", "sw", "ta", "tr", "zh"])},
    "xflickrco": {"en": {"ir_r1": 40.0, "tr_r1": 44.0}, "de": {"ir_r1": 10.0, "tr_r1": 12.0},
                  "ja": {"ir_r1": 6.0, "tr_r1": 8.0}},
}
META = {name: {"main_metric": list(INDEX.tasks[name].main_metric), "languages": list(INDEX.tasks[name].languages)}
        for name in RESULTS}


def test_iglue_averages_target_languages_without_english_and_reports_english_and_gap():
    summary = group_summary(GROUP, RESULTS, META)
    xvnli = summary["tasks"]["xvnli"]
    assert xvnli["score"] == pytest.approx((60 + 64 + 62 + 58) / 4)
    assert xvnli["en"] == 76.0 and xvnli["gap"] == pytest.approx(76 - 61)
    assert xvnli["languages"] == ["ar", "es", "fr", "ru"] and not xvnli["missing_languages"]
    assert summary["tasks"]["marvl"]["score"] == pytest.approx(57.0) and summary["tasks"]["marvl"]["gap"] is None


def test_retrieval_reports_tr_recall_beside_the_ir_headline():
    flickr = group_summary(GROUP, RESULTS, META)["tasks"]["xflickrco"]
    assert flickr["metric"] == "ir_r1" and flickr["score"] == pytest.approx(8.0) and flickr["gap"] == pytest.approx(32)
    tr = flickr["also"]["tr_r1"]
    assert tr["score"] == pytest.approx(10.0) and tr["en"] == 44.0 and tr["gap"] == pytest.approx(34.0)
    assert flickr["missing_languages"] == ["es", "id", "ru", "tr", "zh"]


def test_overall_english_target_and_gap_cover_the_same_tasks():
    results = {**RESULTS, "xgqa": {"en": {"accuracy": 50.0}, "de": {"accuracy": 30.0}},
               "wit": {"en": {"ir_r1": 16.0, "tr_r1": 17.0}, "ar": {"ir_r1": 8.0, "tr_r1": 9.0}}}
    meta = {name: {"main_metric": list(INDEX.tasks[name].main_metric), "languages": list(INDEX.tasks[name].languages)}
            for name in results}
    summary = group_summary(GROUP, results, meta)
    # MaRVL here has no English (NLVR2) score: it is left out of English, target and gap alike
    assert summary["gap_tasks"] == ["xvnli", "xgqa", "xflickrco", "wit"] and summary["no_source_tasks"] == ["marvl"]
    assert summary["en"] == pytest.approx((76 + 50 + 40 + 16) / 4)
    assert summary["target"] == pytest.approx((61 + 30 + 8 + 8) / 4)
    assert summary["en"] - summary["target"] == summary["gap"]
    assert summary["score"] == pytest.approx((61 + 30 + 57 + 8 + 8) / 5)  # the IGLUE average: every task
    table = results_table({"results": results, "groups": {"iglue": summary}, "config": {"tasks": {}}})
    assert "xflickrco [tr_r1]" in table and "en=76.00 gap=15.00" in table
    assert "en=45.50 target=26.75 gap=18.75 (no English: marvl)" in table


def test_with_marvl_english_every_task_counts_and_the_shown_numbers_agree():
    results = {name: dict(per_lang) for name, per_lang in RESULTS.items()}
    results["marvl"]["en"] = {"accuracy": 70.0}  # NLVR2's test set
    for name in ("xgqa", "wit"):
        main = INDEX.tasks[name].main_metric
        results[name] = {"en": {m: 50.0 for m in main}, "de" if name == "xgqa" else "ar": {m: 20.0 for m in main}}
    meta = {name: {"main_metric": list(INDEX.tasks[name].main_metric), "languages": list(INDEX.tasks[name].languages)}
            for name in results}
    summary = group_summary(GROUP, results, meta)
    assert summary["gap_tasks"] == list(GROUP.tasks) and summary["no_source_tasks"] == []
    assert summary["target"] == pytest.approx(summary["score"])
    assert summary["tasks"]["marvl"]["en"] == 70.0 and summary["tasks"]["marvl"]["score"] == pytest.approx(57.0)
    table = results_table({"results": results, "groups": {"iglue": summary}, "config": {"tasks": {}}})
    row = next(line for line in table.splitlines() if "[overall]" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    note = dict(part.split("=") for part in cells[4].split() if "=" in part)
    assert float(note["en"]) - float(note["target"]) == pytest.approx(float(note["gap"]), abs=0.011)
    assert float(cells[3]) == pytest.approx(float(note["target"]), abs=0.006) and "no English" not in row


def test_report_metrics_must_name_tasks_of_the_group(tmp_path):
    with pytest.raises(HarnessError, match="report_metrics.wit' must be a task of the group"):
        group_from_dict(tmp_path / "g.yaml", {"group": "g", "tasks": ["xvnli"], "report_metrics": {"wit": ["tr_r1"]}})
