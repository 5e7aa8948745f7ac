import pytest

from harness.data import images
from harness.data.sources import resolve_source, with_images
from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from tests.helpers import write_hub_mirror
from tests.iglue_helpers import write_images

INDEX = TaskIndex.load()


def png_bytes(colour="red"):
    import io

    from harness.demo.vl_checkpoints import draw_shape

    buffer = io.BytesIO()
    draw_shape(colour, "circle", size=16).save(buffer, format="PNG")
    return buffer.getvalue()


def test_images_are_found_anywhere_below_the_folder_and_it_is_indexed_once(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "123.jpg").write_bytes(png_bytes())
    store = images.FolderImages(tmp_path)
    assert store.locate({"images": ["123.jpg"]}) == [tmp_path / "a" / "b" / "123.jpg"]
    assert store.locate({"images": ["123.jpg", "404.jpg"]}) is None
    built = []
    monkeypatch.setattr(images.FolderIndex, "build", classmethod(lambda cls, root: built.append(root)))
    images.FolderImages(tmp_path)  # a second task over the same folder reuses the index
    assert built == []


def test_wit_names_match_url_quoted_files_and_other_extensions(tmp_path):
    (tmp_path / "Dam_-_NARA,_1.png").write_bytes(png_bytes())
    (tmp_path / "Map.png").write_bytes(png_bytes())
    store = images.FolderImages(tmp_path)
    assert store.locate({"images": ["Dam_-_NARA%2C_1.tif"]}) == [tmp_path / "Dam_-_NARA,_1.png"]
    assert store.locate({"images": ["Map.svg"]}) == [tmp_path / "Map.png"]


def test_marvl_reused_file_names_are_told_apart_by_language_and_concept(tmp_path):
    for lang in ("id", "tr"):
        for concept in ("1-A", "2-B"):
            folder = tmp_path / lang / "images" / concept
            folder.mkdir(parents=True)
            (folder / "1-0.jpg").write_bytes(png_bytes())
    store = images.FolderImages(tmp_path)
    found = store.locate({"images": ["1-0.jpg"], "image_hints": ["tr", "2-B"]})
    assert found == [tmp_path / "tr" / "images" / "2-B" / "1-0.jpg"]


def test_unreadable_image_decodes_to_none(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    store = images.FolderImages(tmp_path)
    assert store.load(store.locate({"images": ["bad.jpg"]})[0]) is None
    assert store.load(png_bytes()).size == (16, 16)


def test_rows_naming_images_without_image_dir_fail_in_one_line(shared_data):
    source = resolve_source(INDEX.tasks["xvnli"], {"xvnli": str(shared_data / "iglue")})
    data = source.language_data("en", limit=2)
    with pytest.raises(HarnessError, match="pass --image_dir xvnli=DIR"):
        data.images.locate(data.rows[0])


def test_image_dir_must_be_a_folder(shared_data, tmp_path):
    with pytest.raises(HarnessError, match=r"--image_dir xvnli=.*: not a folder"):
        with_images(resolve_source(INDEX.tasks["xvnli"], {"xvnli": str(shared_data / "iglue")}),
                    {"xvnli": str(tmp_path / "nope")})
    with pytest.raises(HarnessError, match="unknown task 'xvlni'; did you mean xvnli"):
        images.parse_image_dirs(["xvlni=/x"], INDEX.tasks)


def test_hub_mirror_with_embedded_image_bytes_loads_and_decodes(tmp_path):
    rows = [{"id": f"m{i}", "hypothesis": f"statement {i}", "label": bool(i % 2), "left_img": png_bytes("red"),
             "right_img": {"bytes": png_bytes("blue"), "path": None}} for i in range(3)]
    write_hub_mirror(tmp_path / "mirror", {"default": {"tr": rows}})
    source = resolve_source(INDEX.tasks["marvl"], {"marvl": str(tmp_path / "mirror")})
    data = source.language_data("tr")
    assert [row["id"] for row in data.rows] == ["m0", "m1", "m2"]
    assert data.rows[0]["images"] == ["0:left_image", "0:right_image"]
    left, right = (data.images.load(p) for p in data.images.locate(data.rows[1]))
    assert left.getpixel((8, 8))[0] > 200 and right.getpixel((8, 8))[2] > 200
    assert "embedded in mirror:" in data.images.where


def test_hub_mirror_missing_columns_are_named(tmp_path):
    write_hub_mirror(tmp_path / "mirror-without-images", {"default": {"tr": [{"id": "x", "hypothesis": "h", "label": True}]}})
    source = resolve_source(INDEX.tasks["marvl"], {"marvl": str(tmp_path / "mirror-without-images")})
    with pytest.raises(HarnessError, match="lacks column\\(s\\) left_img, right_img"):
        source.language_data("tr")


def test_synthetic_images_for_shared_annotation_ids_are_all_found(shared_data, tmp_path):
    from tests.iglue_helpers import read_rows

    for task in ("xvnli", "marvl", "wit"):
        target = next(lang for lang in INDEX.tasks[task].languages if lang != "en")  # no NLVR2 in the copy
        rows = read_rows(shared_data, INDEX.tasks[task], target, limit=30)
        store = images.FolderImages(write_images(tmp_path / task, rows, task))
        assert all(store.locate(row) is not None for row in rows), task
