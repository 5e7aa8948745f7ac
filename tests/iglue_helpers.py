"""Helpers for the IGLUE tests: tiny vision-language checkpoints and synthetic images for the
files annotations name."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FIXTURE_TEXT

VL_TEXT = FIXTURE_TEXT + [
    "Hypothesis: Is the hypothesis true given the image? Answer yes, no or maybe.",
    "Statement: Is the statement true for the two images? Answer yes or no.",
    "What color is the shape? Answer the question using a single word or phrase.",
    "red blue green yellow circle square triangle man woman dog two", "USER ASSISTANT",
]
VQA_ANSWERS = ["yes", "no", "red", "blue", "a dog", "two", "the man", "zebra!"]


def build_vl_model(kind: str, folder: Path) -> Path:
    from harness.demo import vl_checkpoints as vl
    from tests.helpers import train_tokenizer

    if kind.startswith("llava"):
        return vl.build_llava(folder, vl.causal_tokenizer(VL_TEXT), seed=3, chat_template=kind == "llava")
    tokenizer = train_tokenizer(VL_TEXT)
    if kind == "vilt":
        return vl.build_vilt(folder, tokenizer, ["contradiction", "entailment", "neutral"], seed=1)
    if kind == "vilt_pair":
        return vl.build_vilt(folder, tokenizer, ["False", "True"], pair=True, seed=2)
    if kind == "vqa":
        return vl.build_vilt(folder, tokenizer, VQA_ANSWERS, seed=4)
    if kind in ("clip", "siglip"):
        return vl.build_dual_encoder(folder, tokenizer, seed=5, siglip=kind == "siglip")
    raise ValueError(kind)


COLOURS = ["red", "blue", "green", "yellow"]
SHAPES = ["circle", "square", "triangle"]


def write_images(folder: Path, rows, task: str, unreadable: set[str] = frozenset(), skip: set[str] = frozenset()) -> Path:
    """A small synthetic picture for every image the rows name, where the IGLUE release keeps it
    (MaRVL: {lang}/images/{concept}/); .svg/.tif names are written as .png (found by stem)."""
    from harness.demo.vl_checkpoints import draw_shape, write_image

    for n, row in enumerate(rows):
        for k, name in enumerate(row["images"]):
            if name in skip:
                continue
            hints = row.get("image_hints") or []
            path = folder.joinpath(hints[0], "images", hints[1], name) if task == "marvl" and hints else folder / name
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
                path = path.with_suffix(".png")
            if name in unreadable:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"not an image")
                continue
            write_image(path, draw_shape(COLOURS[(n + k) % 4], SHAPES[(n + 2 * k) % 3], size=40))
    return folder


def language_data(task, rows, store, lang: str = "en"):
    from harness.data.records import LanguageData

    return LanguageData(task.task, lang, task.split, rows, "test", images=store)


def load_vl(folder, **extra):
    import torch

    from harness.models.model_args import build_model_args
    from harness.models.vision_language.loading import load_vision_language

    return load_vision_language(str(folder), "vision_language", build_model_args(extra), torch.device("cpu"))


def read_rows(shared: Path, task, lang: str, split: str = "test", limit: int | None = None):
    from harness.data.readers import get_reader

    rows = get_reader(task.data.local.format, "test")(shared / "iglue", task, lang, split)
    return rows if limit is None else rows[:limit]
