"""Tokenise once: token ids cached on disk, keyed by the tokenizer and the exact texts.

A re-run, a resumed run or another checkpoint sharing the tokenizer (every fine-tuned head of
one base model) reads the ids back instead of tokenising again. Fast tokenizers already encode a
batch on all cores (the Rust thread pool), so a cache miss is tokenised in parallel too.
Set HARNESS_TOKEN_CACHE=0 to turn the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)
FIELDS = ("input_ids", "token_type_ids")


def cache_dir() -> Path:
    from harness.demo.checkpoints import cache_root

    return cache_root() / "tokens"


def tokenizer_key(tokenizer) -> str:
    """A hash of everything that decides the tokenizer's output (kept on the tokenizer object)."""
    cached = getattr(tokenizer, "_harness_key", None)
    if cached is None:
        digest = hashlib.sha256(type(tokenizer).__name__.encode())
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None:
            digest.update(backend.to_str().encode())
        else:  # a slow tokenizer: its vocabulary and settings
            digest.update(repr(sorted(tokenizer.get_vocab().items())).encode())
        digest.update(repr(sorted((k, str(v)) for k, v in tokenizer.init_kwargs.items())).encode())
        cached = digest.hexdigest()
        tokenizer._harness_key = cached
    return cached


def _texts_key(tokenizer, first: Sequence[str], second: Sequence[str] | None, max_length: int) -> str:
    digest = hashlib.sha256(tokenizer_key(tokenizer).encode())
    digest.update(f"|{max_length}|{second is not None}|{len(first)}|".encode())
    for texts in (first, second or ()):
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()[:32]


def _pack(features: list[dict]) -> dict[str, np.ndarray]:
    lengths = np.array([len(f["input_ids"]) for f in features], dtype=np.int64)
    packed = {"lengths": lengths}
    for field in FIELDS:
        if features and field in features[0]:
            packed[field] = np.concatenate([np.asarray(f[field], dtype=np.int64) for f in features]) \
                if features else np.zeros(0, np.int64)
    return packed


def _unpack(packed) -> list[dict]:
    bounds = np.concatenate([[0], np.cumsum(packed["lengths"])])
    fields = [f for f in FIELDS if f in packed]
    return [{f: packed[f][bounds[i]:bounds[i + 1]].tolist() for f in fields} for i in range(len(bounds) - 1)]


def tokenize(tokenizer, first: Sequence[str], second: Sequence[str] | None = None, max_length: int = 512) -> list[dict]:
    """Token ids (and segment ids where the tokenizer gives them) per text or text pair,
    truncated to ``max_length``; from the disk cache where possible."""
    use_cache = os.environ.get("HARNESS_TOKEN_CACHE", "1") != "0" and len(first) > 0
    path = cache_dir() / f"{_texts_key(tokenizer, first, second, max_length)}.npz" if use_cache else None
    if path is not None and path.is_file():
        try:
            with np.load(path) as stored:  # each stored[key] reads the file again: read each once
                return _unpack({key: stored[key] for key in stored.files})
        except (OSError, ValueError, KeyError):
            log.warning("unreadable token cache %s; tokenising again", path)
    args = (list(first),) if second is None else (list(first), list(second))
    encoded = tokenizer(*args, truncation=True, max_length=max_length)
    fields = [f for f in FIELDS if f in encoded]
    features = [{f: encoded[f][i] for f in fields} for i in range(len(first))]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **_pack(features))
            os.replace(tmp, path)
        except OSError as err:
            log.warning("could not write token cache %s: %s", path, err)
            Path(tmp).unlink(missing_ok=True)
    return features


def cached_build(tokenizer, name: str, material, build):
    """``build()``'s result (e.g. QA windows or tagging word windows), cached on disk under a key
    of the tokenizer, ``name`` and ``material`` (the texts and settings the result depends on).

    Stored with pickle in the harness's own cache folder; the cache is never shared with or read
    from anywhere else."""
    import json
    import pickle

    if os.environ.get("HARNESS_TOKEN_CACHE", "1") == "0":
        return build()
    digest = hashlib.sha256(tokenizer_key(tokenizer).encode())
    digest.update(name.encode())
    digest.update(json.dumps(material, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    path = cache_dir() / f"{name}-{digest.hexdigest()[:32]}.pkl"
    if path.is_file():
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            log.warning("unreadable cache %s; building again", path)
    result = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".pkl.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as err:
        log.warning("could not write cache %s: %s", path, err)
        Path(tmp).unlink(missing_ok=True)
    return result
