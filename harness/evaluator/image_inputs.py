"""Examples with images, for :meth:`InferenceRunner.run_loader`: decoded in DataLoader workers.

The kinds locate every example's images first (``ImageStore.locate``), so that examples whose
images are missing are counted before any model runs and never reach a batch. An image that is
located but cannot be decoded is replaced by a grey placeholder so the batch still runs; the
example is flagged ``unreadable`` and the kind scores it as wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Sequence

PLACEHOLDER_SIZE = (224, 224)


@dataclass(frozen=True)
class ImageExample:
    index: int  # position among the language's rows
    payloads: tuple  # what ImageStore.locate returned: one path or bytes per image
    text: str = ""


def side_by_side(images: Sequence[Any]):
    """One image holding ``images`` left to right at a common height (MaRVL's pair for models
    that take one image, as the issue's two_images=concat asks)."""
    from PIL import Image

    height = max(image.height for image in images)
    scaled = [image if image.height == height else
              image.resize((max(1, round(image.width * height / image.height)), height)) for image in images]
    canvas = Image.new("RGB", (sum(image.width for image in scaled), height))
    left = 0
    for image in scaled:
        canvas.paste(image, (left, 0))
        left += image.width
    return canvas


class ImageExamples:
    """A map-style dataset: item i → (i, text, decoded images, unreadable?, seconds spent decoding)."""

    def __init__(self, examples: Sequence[ImageExample], store, concat: bool = False):
        self.examples = list(examples)
        self.store = store
        self.concat = concat

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int):
        from PIL import Image

        started = time.perf_counter()
        example = self.examples[i]
        images = [self.store.load(payload) for payload in example.payloads]
        unreadable = any(image is None for image in images)
        images = [image if image is not None else Image.new("RGB", PLACEHOLDER_SIZE, (128, 128, 128))
                  for image in images]
        if self.concat and len(images) > 1:
            images = [side_by_side(images)]
        return i, example.text, images, unreadable, time.perf_counter() - started


def image_token_cost(config) -> int:
    """A rough count of the patch tokens one image adds, for the runner's token budget."""
    vision = getattr(config, "vision_config", None) or config
    size = getattr(vision, "image_size", None) or 224
    patch = getattr(vision, "patch_size", None) or 16
    size = size[0] if isinstance(size, (list, tuple)) else size
    patch = patch[0] if isinstance(patch, (list, tuple)) else patch
    return max(1, (int(size) // max(1, int(patch))) ** 2)
