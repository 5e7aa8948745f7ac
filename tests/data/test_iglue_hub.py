"""The floschne/* hub mirrors: column names that changed between revisions."""

import io

import pytest

from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from tests.helpers import write_hub_mirror

INDEX = TaskIndex.load()


def jpeg():
    from harness.demo.vl_checkpoints import draw_shape

    buffer = io.BytesIO()
    draw_shape("red", "square", 16).save(buffer, format="JPEG")
    return {"bytes": buffer.getvalue(), "path": None}


def xvnli_rows(hypothesis_column: str) -> list[dict]:
    """Rows with floschne/xvnli's columns (README of revision 2e31282: label, caption, hypothsis,
    caption_id, pair_id, flikr30k_id, image; later revisions spell it hypothesis)."""
    return [{"label": label, "caption": "A man.", hypothesis_column: f"Hypothesis {n}.", "caption_id": f"{n}.jpg#0",
             "pair_id": f"{n}.jpg#0r{n}", "flikr30k_id": str(n), "image": jpeg()}
            for n, label in enumerate(["entailment", "-", "contradiction"])]


@pytest.mark.parametrize("column,lang", [("hypothsis", "ar"), ("hypothesis", "es")])
def test_xvnli_mirror_reads_either_spelling_and_keys_rows_by_pair_id(tmp_path, column, lang):
    write_hub_mirror(tmp_path / "xvnli", {"default": {lang: xvnli_rows(column)}})
    data = resolve_source(INDEX.tasks["xvnli"], {"xvnli": str(tmp_path / "xvnli")}).language_data(lang)
    assert [row["hypothesis"] for row in data.rows] == ["Hypothesis 0.", "Hypothesis 1.", "Hypothesis 2."]
    # the release files' pairID, so samples pair by id with a run on the release layout
    assert [row["id"] for row in data.rows] == ["0.jpg#0r0", "1.jpg#0r1", "2.jpg#0r2"]
    assert [row["label"] for row in data.rows] == ["entailment", "-", "contradiction"]
    assert data.images.locate(data.rows[0]) is not None


def test_a_mirror_with_neither_spelling_names_both(tmp_path):
    rows = [{k: v for k, v in row.items() if k != "hypothsis"} for row in xvnli_rows("hypothsis")]
    # another split than above: datasets' cache keys local parquet files by relative name and mtime
    write_hub_mirror(tmp_path / "xvnli", {"default": {"fr": rows}})
    source = resolve_source(INDEX.tasks["xvnli"], {"xvnli": str(tmp_path / "xvnli")})
    with pytest.raises(HarnessError, match=r"lacks column\(s\) hypothesis or hypothsis; it has label, caption"):
        source.language_data("fr")
