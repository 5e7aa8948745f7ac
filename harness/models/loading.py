"""Load a checkpoint for one role (classifier, encoder, tagger, QA…) onto a device."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, MissingHeadError
from harness.fileio import file_sha256
from harness.models.model_args import ModelArgs

log = logging.getLogger(__name__)

# role → transformers Auto class name; kinds name the role they need.
ROLE_CLASSES = {
    "encoder": "AutoModel",
    "sequence_classification": "AutoModelForSequenceClassification",
    "token_classification": "AutoModelForTokenClassification",
    "question_answering": "AutoModelForQuestionAnswering",
}
# Roles whose loading is not one Auto class (vision-language families, say): role → "module:function"
# with the signature of load_model.
CUSTOM_LOADERS: dict[str, str] = {
    "vision_language": "harness.models.vision_language.loading:load_vision_language",
}
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".msgpack", ".h5")


@dataclass
class LoadedModel:
    checkpoint: str
    role: str
    model: Any
    tokenizer: Any
    config: Any
    device: Any
    args: ModelArgs
    info: dict = field(default_factory=dict)
    # per-model memo of computed results reused across languages (e.g. sentence embeddings);
    # it lives as long as the model stays loaded
    memo: dict = field(default_factory=dict, repr=False)

    @property
    def max_positions(self) -> int | None:
        value = getattr(self.config, "max_position_embeddings", None)
        if value and getattr(self.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            value -= 2  # RoBERTa-style position ids start after the padding index
        return value


def quiet_transformers() -> None:
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def resolve_device(name: str | None):
    import torch

    if name in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise HarnessError(f"--device {name}: CUDA is not available on this machine")
    if not (name == "cpu" or name.startswith("cuda")):
        raise HarnessError(f"--device {name}: expected cpu or cuda")
    return torch.device(name)


_HASH_CACHE: dict[tuple, str] = {}


def weights_fingerprint(folder: Path) -> str | None:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in WEIGHT_SUFFIXES) if folder.is_dir() else []
    if not files:
        return None
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    if key not in _HASH_CACHE:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            file_sha256(path, into=digest)
        _HASH_CACHE[key] = digest.hexdigest()[:16]
    return _HASH_CACHE[key]


def checkpoint_folder(checkpoint: str, config: Any) -> Path | None:
    """The folder holding the weights: the checkpoint itself, or its hub-cache snapshot."""
    if Path(checkpoint).is_dir():
        return Path(checkpoint)
    try:
        from transformers.utils import cached_file

        found = cached_file(checkpoint, "config.json", revision=getattr(config, "_commit_hash", None))
        return Path(found).parent if found else None
    except Exception:  # a fingerprint is best-effort for hub models
        return None


def _torch_dtype(name: str):
    import torch

    return {"auto": None, "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[name]


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:240]


def load_model(checkpoint: str, role: str, args: ModelArgs, device) -> LoadedModel:
    import importlib

    import transformers

    if role in CUSTOM_LOADERS:
        module, attr = CUSTOM_LOADERS[role].split(":")
        return getattr(importlib.import_module(module), attr)(checkpoint, role, args, device)

    quiet_transformers()
    auto_class = getattr(transformers, ROLE_CLASSES[role])
    common = {"revision": args.revision, "trust_remote_code": args.trust_remote_code}
    try:
        config = transformers.AutoConfig.from_pretrained(checkpoint, **common)
        tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint, **common)
    except Exception as err:
        raise HarnessError(f"--model {checkpoint}: cannot load the checkpoint's config or tokenizer: {_first_line(err)}") from None
    dtype = _torch_dtype(args.dtype)
    placement = {"device_map": args.device_map} if args.device_map else {}
    if placement:
        _require_accelerate(checkpoint)
    try:
        model, loading = auto_class.from_pretrained(
            checkpoint, config=config, output_loading_info=True, **common, **({"dtype": dtype} if dtype else {}),
            **placement,
        )
    except Exception as err:
        raise HarnessError(f"--model {checkpoint}: cannot load it as {ROLE_CLASSES[role]}: {_first_line(err)}") from None
    missing = sorted(loading.get("missing_keys", []) or [])
    if missing and role != "encoder":
        shown = ", ".join(missing[:4]) + (" …" if len(missing) > 4 else "")
        raise MissingHeadError(
            f"--model {checkpoint}: no trained {role.replace('_', ' ')} head (weights {shown} would be "
            "newly initialised); give a checkpoint fine-tuned for this task"
        )
    if missing:
        log.warning("%s: weights not in the checkpoint, initialised at random: %s", checkpoint, ", ".join(missing[:8]))
    model.eval()
    if not placement:  # with a device_map, accelerate has placed the layers and moves activations
        model.to(device)
    folder = checkpoint_folder(checkpoint, config)
    info = {
        "checkpoint": checkpoint,
        "role": role,
        "class": type(model).__name__,
        "revision": args.revision or getattr(config, "_commit_hash", None),
        "weights_sha256": weights_fingerprint(folder) if folder else None,
        "dtype": str(next(model.parameters()).dtype).replace("torch.", ""),
        "parameters": sum(p.numel() for p in model.parameters()),
        **({"device_map": dict(getattr(model, "hf_device_map", {}) or {})} if placement else {}),
    }
    return LoadedModel(checkpoint, role, model, tokenizer, config, device, args, info)


def _require_accelerate(checkpoint: str) -> None:
    try:
        import accelerate  # noqa: F401
    except ImportError:
        raise HarnessError(f"--model {checkpoint}: device_map needs the accelerate package (pip install 'harness[big]')") from None


def looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep + os.sep in name or name.count("/") > 1 or "\\" in name
