"""Shared fixtures: offline hub settings, tiny checkpoints built from configs, the shared data.

Everything runs offline: HF_HUB_OFFLINE / HF_DATASETS_OFFLINE make any hub access fail at once
instead of retrying a network that is not there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
# The test models are tiny: one intra-op thread is fastest, and on a loaded machine torch's
# thread pool spinning over shared cores made each tiny matmul ~1000× slower.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("HARNESS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    cache = tmp_path_factory.mktemp("harness-cache")
    previous = os.environ.get("HARNESS_CACHE")
    os.environ["HARNESS_CACHE"] = str(cache)
    os.environ["HF_DATASETS_CACHE"] = str(cache / "datasets")
    yield
    if previous is None:
        os.environ.pop("HARNESS_CACHE", None)
    else:
        os.environ["HARNESS_CACHE"] = previous


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data. A user's fresh clone lacks it: skip there; CI sets HARNESS_REQUIRE_SHARED_DATA=1
    so its absence fails instead of skipping silently."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("HARNESS_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"shared benchmark data not found at {SHARED_DATA} (HARNESS_REQUIRE_SHARED_DATA=1)")
        pytest.skip(f"shared benchmark data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def tiny_tokenizer():
    from tests.helpers import train_tokenizer

    return train_tokenizer()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory, tiny_tokenizer):
    """Factory: ``tiny_models(head, labels=None, seed=0, **config)`` → a saved checkpoint folder."""
    from harness.demo.checkpoints import build_bert

    root = tmp_path_factory.mktemp("models")
    made: dict = {}

    def make(head: str, labels=None, seed: int = 0, **config):
        key = (head, tuple(labels or ()), seed, tuple(sorted(config.items())))
        if key not in made:
            folder = root / f"{head}-{len(made)}"
            made[key] = build_bert(folder, tiny_tokenizer, head, list(labels) if labels else None, seed=seed, **config)
        return made[key]

    return make


@pytest.fixture(scope="session")
def vl_models(tmp_path_factory):
    """Factory: ``vl_models(kind)`` → a saved tiny vision-language checkpoint folder; kinds:
    vilt (VQA-style head, XVNLI labels), vilt_pair (NLVR2-style), vqa (answer vocabulary head),
    clip, siglip, llava (chat template), llava_plain (no chat template)."""
    from tests.iglue_helpers import build_vl_model

    root = tmp_path_factory.mktemp("vl-models")
    made: dict = {}

    def make(kind: str):
        if kind not in made:
            made[kind] = build_vl_model(kind, root / kind)
        return made[kind]

    return make


@pytest.fixture()
def unreachable_hub(monkeypatch):
    """The hub times out for every dataset; returns the configs that were tried (the harness
    remembers a dataset-level failure, so the first should be the only one)."""
    from harness.data import hub

    calls: list = []

    def unreachable(path, config, split, revision):
        calls.append(config)
        raise ConnectionError(f"Couldn't reach '{path}' on the Hub (ReadTimeout)")

    monkeypatch.setattr(hub, "_load_split_cached", unreachable)
    monkeypatch.setattr(hub, "_FAILED", {})
    return calls
