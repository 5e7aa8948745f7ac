import pytest

from harness.data.images import FolderImages, TaskStopped
from harness.kinds import vision_inputs as vi
from harness.taskfiles.index import TaskIndex
from tests.iglue_helpers import language_data, write_images

TASK = TaskIndex.load().tasks["xvnli"]


def rows(n):
    return [{"id": str(i), "images": [f"{i}.jpg"], "hypothesis": "h", "label": "neutral"} for i in range(n)]


def test_unreadable_files_are_found_before_any_model_runs_and_stop_the_task_above_the_limit(tmp_path):
    data_rows = rows(10)
    store = FolderImages(write_images(tmp_path, data_rows, "xvnli", unreadable={"3.jpg", "7.jpg"}), 10.0)
    with pytest.raises(TaskStopped, match="2 of 10 examples \\(20.0%\\) have missing or unreadable images"):
        vi.locate_examples(TASK, language_data(TASK, data_rows, store), ["h"] * 10)


def test_header_checked_unreadable_rows_stay_counted_after_decoding(tmp_path):
    data_rows = rows(10)
    store = FolderImages(write_images(tmp_path, data_rows, "xvnli", unreadable={"3.jpg"}), 50.0)
    data = language_data(TASK, data_rows, store)
    located = vi.locate_examples(TASK, data, ["h"] * 10)
    assert located.unreadable_rows == [3] and 3 not in [e.index for e in located.examples]
    notes = [{"unreadable": e.index == 5} for e in located.examples]  # one more fails only when decoded
    vi.record_unreadable(TASK, data, located, notes)
    assert located.unreadable_rows == [3, 5]
    assert vi.missing_summary(TASK, data, located)[0] == {"n_missing_images": 2}
