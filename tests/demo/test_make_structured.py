import filecmp

import pytest

from harness.data.sources import DEMO_DATA_DIR, demo_manifest, resolve_source
from harness.demo import make_structured
from harness.taskfiles.index import TaskIndex

GENERATORS = {"udpos": make_structured.make_udpos, "panx": make_structured.make_panx,
              "xquad": make_structured.make_xquad, "mlqa": make_structured.make_mlqa,
              "tydiqa": make_structured.make_tydiqa}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_committed_demo_sets_equal_what_the_generator_writes(name, tmp_path):
    GENERATORS[name](tmp_path, demo_manifest()[name])
    made = sorted(p.relative_to(tmp_path) for p in (tmp_path / name).rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DEMO_DATA_DIR) for p in (DEMO_DATA_DIR / name).rglob("*") if p.is_file())
    assert made == committed
    for path in made:
        assert filecmp.cmp(tmp_path / path, DEMO_DATA_DIR / path, shallow=False), path


@pytest.mark.parametrize("name", ["udpos", "panx"])
def test_demo_tags_are_task_labels_and_words_align(name):
    task = TaskIndex.load().tasks[name]
    for lang in demo_manifest()[name]:
        for row in resolve_source(task, {}, demo=True).load(lang):
            assert len(row["tokens"]) == len(row["tags"]) and set(row["tags"]) <= set(task.labels)


def test_demo_german_contraction_is_two_syntactic_words():
    rows = resolve_source(TaskIndex.load().tasks["udpos"], {}, demo=True).load("de")
    assert any(r["tokens"][i:i + 2] == ["in", "dem"] and r["tags"][i:i + 2] == ["ADP", "DET"]
               for r in rows for i in range(len(r["tokens"])))


@pytest.mark.parametrize("name", ["xquad", "mlqa", "tydiqa", "mlqa_gxlt"])
def test_demo_answers_are_spans_of_their_contexts(name):
    task = TaskIndex.load().tasks[name]
    available = set(demo_manifest()[task.data.demo])
    langs = [lang for lang in task.languages if lang in available]
    assert langs
    for lang in langs:
        for row in resolve_source(task, {}, demo=True).load(lang):
            (answer,) = row["answers"]
            assert row["context"][answer["answer_start"]:][:len(answer["text"])] == answer["text"]
