import pytest

from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from harness.taskfiles.schema import task_from_dict


def test_iglue_tasks_and_group_load_with_their_languages():
    index = TaskIndex.load()
    assert [t.task for t in index.expand(["iglue"])] == ["xvnli", "xgqa", "marvl", "xflickrco", "wit"]
    group = index.groups["iglue"]
    assert group.exclude_languages == ("en",) and group.gap_language == "en"
    # MaRVL's English (source) language is NLVR2's test set, as in IGLUE's tables
    assert index.tasks["marvl"].languages == ("en", "id", "sw", "ta", "tr", "zh")
    assert index.tasks["marvl"].data.local.file_choices["test_en"] == ("nlvr2/annotations/test.jsonl",
                                                                      "nlvr2/data/test1.json")
    assert index.tasks["xflickrco"].main_metric == ("ir_r1",)
    assert index.tasks["marvl"].data.hub.images == ("left_image", "right_image")


def test_hub_images_must_name_fields(tmp_path):
    data = {"task": "t", "kind": "image_text_retrieval", "languages": ["en"], "metrics": ["ir_r1"],
            "data": {"hub": {"path": "x/y", "fields": {"caption": "text"}, "images": ["picture"]}}}
    with pytest.raises(HarnessError, match="data.hub.images' must be names among data.hub.fields \\(caption\\)"):
        task_from_dict(tmp_path / "t.yaml", data)


def test_hub_fields_and_local_files_take_lists_of_alternatives(tmp_path):
    data = {"task": "t", "kind": "image_text_classification", "languages": ["en"], "metrics": ["accuracy"],
            "data": {"hub": {"path": "x/y", "fields": {"hypothesis": ["hypothesis", "hypothsis"], "id": "pair_id"}},
                     "local": {"format": "xvnli_jsonl", "files": {"test": ["a/{lang}.jsonl", "b/{lang}.jsonl"]}}}}
    task = task_from_dict(tmp_path / "t.yaml", data)
    assert task.data.hub.fields == {"hypothesis": ("hypothesis", "hypothsis"), "id": ("pair_id",)}
    assert task.data.local.files == {"test": "a/{lang}.jsonl"}  # readers taking one template see the first
    assert task.data.local.file_choices == {"test": ("a/{lang}.jsonl", "b/{lang}.jsonl")}


@pytest.mark.parametrize("fields,expected", [
    ({"hypothesis": []}, "key 'data.hub.fields.hypothesis' must be a string or a non-empty list of alternative strings"),
    ({"hypothesis": ["a", {"b": 1}]}, "key 'data.hub.fields.hypothesis' must be a string or a non-empty list"),
    (["hypothesis"], "key 'data.hub.fields' must be a mapping of strings"),
])
def test_bad_field_alternatives_are_one_line_errors(tmp_path, fields, expected):
    data = {"task": "t", "kind": "image_text_classification", "languages": ["en"], "metrics": ["accuracy"],
            "data": {"hub": {"path": "x/y", "fields": fields}}}
    with pytest.raises(HarnessError, match=expected.replace("(", "\\(").replace(")", "\\)")) as err:
        task_from_dict(tmp_path / "t.yaml", data)
    assert "\n" not in str(err.value)
