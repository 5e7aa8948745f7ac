import logging

import pytest

from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from harness.taskfiles.yaml_loader import load_with_includes

XNLI_LIKE = """
task: {name}
kind: pair_classification
languages: [de, en]
labels: [entailment, neutral, contradiction]
metrics: [accuracy]
data:
  demo: xnli
  local: {{format: xnli_tsv, files: {{test: xnli.test.tsv}}}}
"""


def test_builtin_tasks_and_xtreme_group_load():
    index = TaskIndex.load()
    assert {"xnli", "pawsx", "tatoeba", "bucc2018"} <= set(index.tasks)
    assert set(index.groups["xtreme"].tasks) >= {"xnli", "pawsx", "tatoeba", "bucc2018"}
    assert index.tasks["tatoeba"].code("de") == "deu"
    assert len(index.tasks["tatoeba"].languages) == 36


def test_include_merges_mappings_and_the_including_file_wins(tmp_path):
    (tmp_path / "_base.yaml").write_text("max_length: 64\noptions: {a: 1, b: 2}\nmetrics: [accuracy]\n")
    (tmp_path / "t.yaml").write_text("include: _base.yaml\noptions: {b: 3}\nmax_length: 32\n")
    data = load_with_includes(tmp_path / "t.yaml")
    assert data == {"max_length": 32, "options": {"a": 1, "b": 3}, "metrics": ["accuracy"]}


def test_include_cycle_is_reported_with_the_file(tmp_path):
    (tmp_path / "a.yaml").write_text("include: b.yaml\n")
    (tmp_path / "b.yaml").write_text("include: a.yaml\n")
    with pytest.raises(HarnessError, match="include cycle"):
        load_with_includes(tmp_path / "a.yaml")


def test_broken_yaml_names_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("task: x\nkind: [unclosed\n")
    with pytest.raises(HarnessError) as err:
        TaskIndex.load([tmp_path])
    assert "bad.yaml" in str(err.value) and "line" in str(err.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [accuracy]\ndata: {demo: x}\nlabelz: [a]\n",
         "unknown key 'labelz'"),
        ("task: x\nkind: pair_classification\nmetrics: [accuracy]\ndata: {demo: x}\n", "missing required key 'languages'"),
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [accuracy]\nmain_metric: f1\ndata: {demo: x}\n",
         "key 'main_metric' must be among metrics"),
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [accuracy]\ndata: {demo: x}\nmax_length: -3\n",
         "key 'max_length' must be a positive integer"),
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [accuracy]\ndata: {hub: {config: c}}\n",
         "missing required key 'path'"),
        ("task: x\nkind: pair_classifcation\nlanguages: [de]\nmetrics: [accuracy]\ndata: {demo: x}\n",
         "key 'kind' must be one of the task kinds ("),
        ("task: x\nkind: pair_classifcation\nlanguages: [de]\nmetrics: [accuracy]\ndata: {demo: x}\n",
         "got 'pair_classifcation'; did you mean pair_classification?"),
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [acc]\ndata: {demo: x}\n",
         "key 'metrics' must be metrics of kind 'pair_classification' (accuracy), got 'acc'; did you mean accuracy?"),
        ("task: x\nkind: bitext_retrieval\nlanguages: [de]\nmetrics: [accuracy, f1]\ndata: {demo: x}\n",
         "key 'metrics' must be metrics of kind 'bitext_retrieval' (accuracy, accuracy_reverse), got 'f1'"),
        ("task: x\nkind: pair_classification\nlanguages: [de]\nmetrics: [accuracy]\n"
         "data: {local: {format: xnli_csv}}\n", "key 'data.local.format' must be one of the release-layout readers"),
    ],
)
def test_schema_errors_name_file_and_key(tmp_path, text, expected):
    (tmp_path / "t.yaml").write_text(text)
    with pytest.raises(HarnessError) as err:
        TaskIndex.load([tmp_path])
    assert expected in str(err.value)
    assert "t.yaml" in str(err.value)


def test_include_path_task_overrides_builtin_with_warning(tmp_path, caplog):
    (tmp_path / "xnli.yaml").write_text(XNLI_LIKE.format(name="xnli"))
    with caplog.at_level(logging.WARNING):
        index = TaskIndex.load([tmp_path])
    assert index.tasks["xnli"].languages == ("de", "en")
    assert "overrides" in caplog.text


def test_unknown_task_suggests_closest_name():
    index = TaskIndex.load()
    with pytest.raises(HarnessError, match="did you mean xnli"):
        index.expand(["xnlli"])


def test_group_expands_to_its_tasks_once_in_order():
    index = TaskIndex.load()
    names = [t.task for t in index.expand(["xnli", "xtreme"])]
    assert names[0] == "xnli" and len(names) == len(set(names))


def test_config_hash_changes_with_content(tmp_path):
    (tmp_path / "a.yaml").write_text(XNLI_LIKE.format(name="mine"))
    first = TaskIndex.load([tmp_path]).tasks["mine"].config_hash
    (tmp_path / "a.yaml").write_text(XNLI_LIKE.format(name="mine") + "max_length: 64\n")
    assert TaskIndex.load([tmp_path]).tasks["mine"].config_hash != first


def test_kind_registry_lists_each_kinds_metrics_without_importing_it():
    # The schema checks `metrics:` against this table so that loading task files imports no kind
    # module (and no torch); it must agree with each kind's metric_specs.
    from harness.kinds import _METRICS, get_kind, kind_names

    assert set(_METRICS) == set(kind_names())
    for name in kind_names():
        assert _METRICS[name] == tuple(get_kind(name).metric_specs), name


def test_loading_the_task_index_imports_no_kind_module_or_torch():
    import subprocess
    import sys

    code = ("import sys; from harness.taskfiles.index import TaskIndex; TaskIndex.load(); "
            "bad = [m for m in sys.modules if m == 'torch' or m.startswith('harness.kinds.')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_shipped_task_names_a_registered_kind_and_its_metrics():
    from harness.kinds import kind_metric_names

    for task in TaskIndex.load().tasks.values():
        assert set(task.metrics) <= set(kind_metric_names(task.kind)), task.task
