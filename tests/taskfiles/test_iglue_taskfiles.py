import pytest

from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from harness.taskfiles.schema import task_from_dict


def test_iglue_tasks_and_group_load_with_their_languages():
    index = TaskIndex.load()
    assert [t.task for t in index.expand(["iglue"])] == ["xvnli", "xgqa", "marvl", "xflickrco", "wit"]
    group = index.groups["iglue"]
    assert group.exclude_languages == ("en",) and group.gap_language == "en"
    assert index.tasks["marvl"].languages == ("id", "sw", "ta", "tr", "zh")
    assert index.tasks["xflickrco"].main_metric == ("ir_r1",)
    assert index.tasks["marvl"].data.hub.images == ("left_image", "right_image")


def test_hub_images_must_name_fields(tmp_path):
    data = {"task": "t", "kind": "image_text_retrieval", "languages": ["en"], "metrics": ["ir_r1"],
            "data": {"hub": {"path": "x/y", "fields": {"caption": "text"}, "images": ["picture"]}}}
    with pytest.raises(HarnessError, match="data.hub.images' must be names among data.hub.fields \\(caption\\)"):
        task_from_dict(tmp_path / "t.yaml", data)
