import pytest

from harness.errors import HarnessError
from harness.stats.pairing import RunFolder, pair_runs, resolve_run_argument, unpaired_cells
from tests.stats.run_folders import ACCURACY, binary_stats, write_run


def _run(folder, correct=(1, 0, 1, 1), **kwargs):
    units = kwargs.pop("units", None) or {"xnli": {"de": binary_stats(correct), "fr": binary_stats(correct)}}
    return RunFolder.load(write_run(folder, units, {t: ACCURACY for t in units}, **kwargs))


def test_pairs_examples_by_id_whatever_their_order(tmp_path):
    base = _run(tmp_path / "a", units={"xnli": {"de": binary_stats([1, 0, 0])}})
    treat = _run(tmp_path / "b", units={"xnli": {"de": binary_stats([0, 1, 1])}},
                 ids={"xnli/de": ["2", "0", "1"]})  # treatment rows: id 2 → 0, id 0 → 1, id 1 → 1
    (cell,) = pair_runs(base, treat)
    assert cell.ids == ("0", "1", "2")
    assert cell.baseline[:, 0].tolist() == [1, 0, 0]
    assert cell.treatment[:, 0].tolist() == [1, 1, 0]


def test_only_cells_present_in_both_runs_are_compared(tmp_path):
    base = _run(tmp_path / "a", units={"xnli": {"de": binary_stats([1, 0]), "fr": binary_stats([1, 1])},
                                      "pawsx": {"de": binary_stats([0, 0])}})
    treat = _run(tmp_path / "b", units={"xnli": {"fr": binary_stats([0, 1]), "es": binary_stats([1, 1])}})
    assert [(c.task, c.lang) for c in pair_runs(base, treat)] == [("xnli", "fr")]


def test_cells_only_one_run_has_are_listed_and_logged(tmp_path, caplog):
    base = _run(tmp_path / "a", units={"xnli": {"de": binary_stats([1, 0]), "fr": binary_stats([1, 1])},
                                      "pawsx": {"de": binary_stats([0, 0])}})
    treat = _run(tmp_path / "b", units={"xnli": {"fr": binary_stats([0, 1]), "es": binary_stats([1, 1])}})
    with caplog.at_level("WARNING"):
        unpaired = unpaired_cells(base, treat)
    assert unpaired == [{"task": "xnli", "lang": "de", "present_in": "baseline"},
                        {"task": "pawsx", "lang": "de", "present_in": "baseline"},
                        {"task": "xnli", "lang": "es", "present_in": "treatment"}]
    assert "pawsx/de: only in" in caplog.text and "xnli/es: only in" in caplog.text


def test_refuses_runs_with_different_task_config_hashes(tmp_path):
    base = _run(tmp_path / "a")
    treat = _run(tmp_path / "b", config_hash={"xnli": "other"})
    with pytest.raises(HarnessError, match=r"xnli/de .*config hashes differ"):
        pair_runs(base, treat)


def test_refuses_runs_with_different_data_fingerprints(tmp_path):
    base = _run(tmp_path / "a")
    treat = _run(tmp_path / "b", fingerprint="other")
    with pytest.raises(HarnessError, match=r"xnli/de .*data fingerprints differ"):
        pair_runs(base, treat)


def test_refuses_runs_with_different_example_ids_naming_task_and_language(tmp_path):
    base = _run(tmp_path / "a")
    treat = _run(tmp_path / "b", ids={"xnli/de": ["0", "1", "2", "x"]})
    with pytest.raises(HarnessError, match=r"xnli/de .*example ids differ \(1 only in the baseline, 1 only in the treatment"):
        pair_runs(base, treat)


def test_refuses_duplicate_example_ids(tmp_path):
    base = _run(tmp_path / "a", ids={"xnli/de": ["0", "1", "1", "3"]})
    treat = _run(tmp_path / "b")
    with pytest.raises(HarnessError, match="duplicate example id '1'"):
        pair_runs(base, treat)


def test_refuses_runs_with_nothing_in_common(tmp_path):
    base = _run(tmp_path / "a", units={"xnli": {"de": binary_stats([1])}})
    treat = _run(tmp_path / "b", units={"pawsx": {"de": binary_stats([1])}})
    with pytest.raises(HarnessError, match="no task × language in common"):
        pair_runs(base, treat)


def test_resolve_run_argument_reads_seed_lists_and_a_results_root(tmp_path):
    for name in ("s1", "s2"):
        _run(tmp_path / "root" / name)
    assert resolve_run_argument(f"{tmp_path}/root/s1") == [tmp_path / "root" / "s1"]
    assert resolve_run_argument("s1,s2", tmp_path / "root") == [tmp_path / "root" / "s1", tmp_path / "root" / "s2"]
    with pytest.raises(HarnessError, match=r"run 'nope': no results.json"):
        resolve_run_argument("nope", tmp_path / "root")
