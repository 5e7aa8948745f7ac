"""Atomic file writes: a reader never sees half a file, and an interrupted write loses nothing.

Every file the harness produces goes through here: the content is written to a temporary file
in the same folder, flushed to disk, then renamed over the target (rename is atomic on POSIX and
on Windows for same-volume paths).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from harness.errors import HarnessError


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def dumps_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def atomic_write_json(path: str | os.PathLike, obj: Any) -> None:
    atomic_write_text(path, dumps_json(obj))


def atomic_write_jsonl(path: str | os.PathLike, rows: Iterable[dict]) -> None:
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def read_json(path: str | os.PathLike) -> Any:
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise HarnessError(f"{path}: file not found") from None
    except json.JSONDecodeError as err:
        raise HarnessError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None


def read_jsonl(path: str | os.PathLike) -> list[dict]:
    path = Path(path)
    rows = []
    try:
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise HarnessError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
    except FileNotFoundError:
        raise HarnessError(f"{path}: file not found") from None
    return rows


def file_sha256(path: str | os.PathLike, into=None) -> str:
    """The SHA-256 of a file's bytes, read in blocks (weights and answer vocabularies can be large).

    ``into``: a ``hashlib.sha256()`` object to feed instead of a fresh one, for one digest over
    several files. An unreadable file is bad input: one line naming it, not a traceback."""
    digest = hashlib.sha256() if into is None else into
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    except OSError as err:
        raise HarnessError(f"{path}: cannot read ({err.strerror or type(err).__name__})") from None
    return digest.hexdigest()


def build_directory_once(target: str | os.PathLike, build) -> Path:
    """``target``, built by ``build(staging_folder)`` unless a complete copy is already there.

    The folder is built aside and renamed into place with a ``complete`` marker, so an
    interrupted build never leaves a half-made folder that a later run would trust."""
    import shutil

    target = Path(target)
    if (target / "complete").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        build(staging)
        (staging / "complete").write_text("ok\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
