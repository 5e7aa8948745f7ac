"""Where a multimodal task's images come from: a folder given with ``--image_dir``, or bytes
embedded in a hub dataset's parquet files.

Rows name their images by the file name the annotation implies (``images``: one or two names;
``image_hints``: folder names that tell same-named files apart, e.g. MaRVL's language and
concept). A folder is indexed once per process, so an image is found anywhere below it. An
image that cannot be found or decoded is never dropped: the task kinds count it, list it and
score its example as wrong; above ``max_missing_percent`` the task stops.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import unquote

from harness.errors import HarnessError, TaskStopped  # noqa: F401  (TaskStopped: re-exported)

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff")
DEFAULT_MAX_MISSING_PERCENT = 1.0


@dataclass
class FolderIndex:
    """Every file below ``root``, by name and by lower-cased stem (for images saved under
    another extension, e.g. WIT's .svg/.tif files converted to .png)."""

    root: Path
    by_name: dict[str, list[str]] = field(default_factory=dict)
    by_stem: dict[str, list[str]] = field(default_factory=dict)
    count: int = 0

    @classmethod
    def build(cls, root: Path) -> "FolderIndex":
        index = cls(root)
        for folder, _dirs, files in os.walk(root, followlinks=True):
            relative = os.path.relpath(folder, root)
            for name in files:
                path = name if relative == "." else os.path.join(relative, name)
                index.by_name.setdefault(name, []).append(path)
                stem, suffix = os.path.splitext(name)
                if suffix.lower() in IMAGE_SUFFIXES:
                    index.by_stem.setdefault(unquote(stem).lower(), []).append(path)
                index.count += 1
        for table in (index.by_name, index.by_stem):
            for paths in table.values():
                paths.sort()
        return index

    def candidates(self, name: str) -> list[str]:
        for key in dict.fromkeys([name, unquote(name)]):
            if key in self.by_name:
                return self.by_name[key]
        stem = os.path.splitext(unquote(name))[0].lower()
        return self.by_stem.get(stem, [])


_INDEXES: dict[str, FolderIndex] = {}


def folder_index(root: Path) -> FolderIndex:
    key = str(root.resolve())
    if key not in _INDEXES:
        index = FolderIndex.build(Path(key))
        log.info("indexed %d files under %s", index.count, key)
        _INDEXES[key] = index
    return _INDEXES[key]


def pick_by_hints(paths: Sequence[str], hints: Iterable[str]) -> str:
    """Among same-named files, the one whose folders name most of the hints (first on ties)."""
    if len(paths) == 1:
        return paths[0]
    wanted = {h.lower() for h in hints if h}
    return max(paths, key=lambda p: len(wanted & {part.lower() for part in Path(p).parts[:-1]}))


def decode_image(payload: Any):
    """An RGB PIL image from a path, bytes, a hub ``{"bytes", "path"}`` dict or a PIL image."""
    from PIL import Image

    if isinstance(payload, Image.Image):
        return payload.convert("RGB")
    if isinstance(payload, Mapping):
        payload = payload.get("bytes") or payload.get("path")
    if isinstance(payload, (bytes, bytearray)):
        payload = io.BytesIO(payload)
    with Image.open(payload) as image:
        return image.convert("RGB")


def readable_header(payload: Any) -> bool:
    """Whether PIL recognises the image from its header alone (no decoding): catches the empty
    files and saved error pages that break a download, before any model runs."""
    from PIL import Image

    if isinstance(payload, Image.Image):
        return True
    if isinstance(payload, Mapping):
        payload = payload.get("bytes") or payload.get("path")
    if isinstance(payload, (bytes, bytearray)):
        payload = io.BytesIO(payload)
    try:
        with Image.open(payload) as image:
            return image.width > 0 and image.height > 0
    except Exception:  # PIL raises many types for one cause: not an image it can read
        return False


class ImageStore:
    """Locates and decodes a row's images; picklable, so DataLoader workers can use it."""

    where: str = ""
    max_missing_percent: float = DEFAULT_MAX_MISSING_PERCENT

    def locate(self, row: Mapping) -> list[Any] | None:
        """One payload per image of the row (a path, bytes…), or None if any is not there."""
        raise NotImplementedError

    def fingerprint(self, rows: Sequence[Mapping]) -> str:
        """What the rows' images are in this store: part of a unit's data identity, so supplying
        missing images (or changing them) makes a finished unit count as changed."""
        raise NotImplementedError

    def readable(self, payload: Any) -> bool:
        return readable_header(payload)

    def load(self, payload: Any):
        """The decoded RGB image, or None when the file is unreadable."""
        try:
            return decode_image(payload)
        except Exception as err:  # PIL raises many types for one cause: not an image it can read
            log.debug("cannot decode image %s: %s", str(payload)[:120], err)
            return None


class FolderImages(ImageStore):
    def __init__(self, root: Path, max_missing_percent: float = DEFAULT_MAX_MISSING_PERCENT, flag: str = ""):
        self.root = Path(root)
        self.index = folder_index(self.root)
        self.where = f"by file name anywhere under {self.root} ({self.index.count} files indexed{flag})"
        self.max_missing_percent = max_missing_percent

    def _find(self, name: Any, row: Mapping) -> Path | None:
        """The file a row's image name refers to (same-named files told apart by the row's hints)."""
        paths = self.index.candidates(str(name))
        return self.index.root / pick_by_hints(paths, row.get("image_hints", ())) if paths else None

    def locate(self, row: Mapping) -> list[Any] | None:
        found = [self._find(name, row) for name in row["images"]]
        return None if any(path is None for path in found) else found

    def fingerprint(self, rows: Sequence[Mapping]) -> str:
        # Per image the rows name: the file found and its size, or that it is missing — one stat
        # per image, no reading. Neither the folder's path nor mtimes: a copy of the same images
        # elsewhere is the same data.
        digest = hashlib.sha256()
        for row in rows:
            for name in row.get("images", ()):
                path = self._find(name, row)
                if path is None:
                    digest.update(f"{name}:missing;".encode())
                    continue
                try:
                    digest.update(f"{path.name}:{path.stat().st_size};".encode())
                except OSError:
                    digest.update(f"{name}:gone;".encode())
        return digest.hexdigest()[:16]


class EmbeddedImages(ImageStore):
    def __init__(self, payloads: Mapping[str, Any], where: str,
                 max_missing_percent: float = DEFAULT_MAX_MISSING_PERCENT):
        self.payloads = dict(payloads)
        self.where = where
        self.max_missing_percent = max_missing_percent

    def locate(self, row: Mapping) -> list[Any] | None:
        found = [self.payloads.get(key) for key in row["images"]]
        return None if any(p is None for p in found) else found

    def fingerprint(self, rows: Sequence[Mapping]) -> str:
        # A hash of the embedded bytes (a language is a few tens of MB: well under a second).
        digest = hashlib.sha256()
        for row in rows:
            for key in row.get("images", ()):
                payload = self.payloads.get(key)
                if isinstance(payload, Mapping):
                    payload = payload.get("bytes") or str(payload.get("path"))
                digest.update(payload if isinstance(payload, (bytes, bytearray)) else f"{payload!r}".encode())
                digest.update(b";")
        return digest.hexdigest()[:16]


class NoImageFolder(ImageStore):
    """Rows name image files but no --image_dir was given: fail on first use, in one line."""

    def __init__(self, task: str, layout: str):
        self.task = task
        self.layout = layout

    def fingerprint(self, rows: Sequence[Mapping]) -> str:
        return "no image folder"

    def locate(self, row: Mapping) -> list[Any] | None:
        raise TaskStopped(f"{self.task}: its annotations name image files ({self.layout}); pass --image_dir "
                          f"{self.task}=DIR with the images anywhere below DIR")


def detach_images(rows: list[dict], fields: Sequence[str], where: str,
                  max_missing_percent: float = DEFAULT_MAX_MISSING_PERCENT) -> tuple[list[dict], EmbeddedImages]:
    """Move embedded image payloads out of hub rows into a store; rows keep ``images`` keys, and
    the store's own fingerprint covers the bytes."""
    payloads: dict[str, Any] = {}
    out = []
    for n, row in enumerate(rows):
        row = dict(row)
        keys = []
        for name in fields:
            value = row.pop(name, None)
            key = f"{n}:{name}"
            if _has_payload(value):
                payloads[key] = value
            keys.append(key)
        row["images"] = keys
        out.append(row)
    return out, EmbeddedImages(payloads, where, max_missing_percent)


def _has_payload(value: Any) -> bool:
    if isinstance(value, Mapping):
        return bool(value.get("bytes") or value.get("path"))
    return value is not None and value != b""


def parse_image_dirs(values: list[str] | None, known_tasks) -> dict[str, str]:
    from harness.data.sources import parse_data_dirs

    dirs = parse_data_dirs(values, known_tasks, flag="--image_dir", example="TASK=DIR")
    for task, folder in dirs.items():
        if not Path(folder).expanduser().is_dir():
            raise HarnessError(f"--image_dir {task}={folder}: not a folder")
    return dirs
