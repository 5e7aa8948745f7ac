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
        ("task: x\nkind: k\nlanguages: [de]\nmetrics: [accuracy]\nmain_metric: f1\ndata: {demo: x}\n",
         "key 'main_metric' must be among metrics"),
        ("task: x\nkind: k\nlanguages: [de]\nmetrics: [accuracy]\ndata: {demo: x}\nmax_length: -3\n",
         "key 'max_length' must be a positive integer"),
        ("task: x\nkind: k\nlanguages: [de]\nmetrics: [accuracy]\ndata: {hub: {config: c}}\n",
         "missing required key 'path'"),
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
