"""Load a vision-language checkpoint and tell which family it belongs to (role ``vision_language``).

Families, detected from the checkpoint's config (``--model_args family=…`` overrides):
- ``classifier``: an image–text model with a classification head named in ``architectures``
  (ViLT's VQA head, its two-image NLVR2 head, …); labels are mapped by name.
- ``generative``: anything ``AutoModelForImageTextToText`` loads (LLaVA, Idefics, Qwen2-VL, …).
- ``dual_encoder``: a model with ``get_text_features`` and ``get_image_features`` (CLIP, SigLIP,
  AltCLIP, VisionTextDualEncoder, …).
Image processors use the PIL backend (no torchvision), which transformers calls "slow".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from harness.errors import HarnessError, MissingHeadError
from harness.models.loading import (LoadedModel, _first_line, _require_accelerate, _torch_dtype, checkpoint_folder,
                                    quiet_transformers, weights_fingerprint)
from harness.models.model_args import ModelArgs

log = logging.getLogger(__name__)

ROLE = "vision_language"
FAMILIES = ("classifier", "dual_encoder", "generative")
HEAD_SUFFIXES = ("ForQuestionAnswering", "ForImagesAndTextClassification", "ForImageAndTextClassification",
                 "ForVisualEntailment", "ForVisualReasoning", "ForImageTextClassification")


@dataclass
class LoadedVisionLanguage(LoadedModel):
    processor: Any = None
    family: str = ""


def _is_vision_config(config) -> bool:
    return any(hasattr(config, key) for key in ("vision_config", "image_size", "visual_embedding_dim"))


def head_class_name(config) -> str | None:
    for name in getattr(config, "architectures", None) or []:
        if name.endswith(HEAD_SUFFIXES) and _is_vision_config(config):
            return name
    return None


def detect_family(config) -> str | None:
    from transformers.models.auto import modeling_auto

    import transformers

    if head_class_name(config):
        return "classifier"
    model_type = getattr(config, "model_type", "")
    if model_type in modeling_auto.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES:
        return "generative"
    base = getattr(transformers, modeling_auto.MODEL_MAPPING_NAMES.get(model_type, ""), None)
    if base is not None and hasattr(base, "get_text_features") and hasattr(base, "get_image_features"):
        return "dual_encoder"
    return None


def model_class(config, family: str):
    import transformers

    if family == "classifier":
        name = head_class_name(config) or (getattr(config, "architectures", None) or [""])[0]
        cls = getattr(transformers, name, None)
        if cls is None:
            raise HarnessError(f"config architectures {name!r}: not a transformers class with a classification head")
        return cls
    if family == "generative":
        return transformers.AutoModelForImageTextToText
    return transformers.AutoModel


def load_processor(checkpoint: str, common: dict):
    import transformers

    # transformers 5 picks image processors by backend; 4.x by use_fast. Both mean PIL/numpy here.
    backend = {"backend": "pil"} if int(transformers.__version__.split(".")[0]) >= 5 else {"use_fast": False}
    return transformers.AutoProcessor.from_pretrained(checkpoint, **common, **backend)


def load_vision_language(checkpoint: str, role: str, args: ModelArgs, device) -> LoadedVisionLanguage:
    import transformers

    quiet_transformers()
    common = {"revision": args.revision, "trust_remote_code": args.trust_remote_code}
    try:
        config = transformers.AutoConfig.from_pretrained(checkpoint, **common)
        processor = load_processor(checkpoint, common)
    except Exception as err:
        raise HarnessError(f"--model {checkpoint}: cannot load the checkpoint's config or processor: "
                           f"{_first_line(err)}") from None
    family = str(args.extra.get("family") or "") or detect_family(config)
    if args.extra.get("family") and family not in FAMILIES:
        raise HarnessError(f"--model_args family={family}: expected one of {', '.join(FAMILIES)}")
    if family not in FAMILIES:
        raise HarnessError(f"--model {checkpoint}: cannot tell which vision-language family ({', '.join(FAMILIES)}) "
                           f"model type {config.model_type!r} belongs to; pass --model_args family=...")
    cls = model_class(config, family)
    dtype = _torch_dtype(args.dtype)
    # Models larger than one GPU: accelerate places the layers (and moves activations between
    # them), as for text models.
    placement = {"device_map": args.device_map} if args.device_map else {}
    if placement:
        _require_accelerate(checkpoint)
    try:
        model, loading = cls.from_pretrained(checkpoint, config=config, output_loading_info=True, **common,
                                             **({"dtype": dtype} if dtype else {}), **placement)
    except Exception as err:
        raise HarnessError(f"--model {checkpoint}: cannot load it as a {family} ({cls.__name__}): {_first_line(err)}") from None
    missing = sorted(loading.get("missing_keys", []) or [])
    if missing and family == "classifier":
        shown = ", ".join(missing[:4]) + (" …" if len(missing) > 4 else "")
        raise MissingHeadError(f"--model {checkpoint}: no trained classification head (weights {shown} would be newly "
                           "initialised); give a checkpoint fine-tuned for this task")
    if missing:
        log.warning("%s: weights not in the checkpoint, initialised at random: %s", checkpoint, ", ".join(missing[:8]))
    model.eval()
    if not placement:
        model.to(device)
    folder = checkpoint_folder(checkpoint, config)
    tokenizer = getattr(processor, "tokenizer", None)
    info = {
        "checkpoint": checkpoint, "role": role, "family": family, "class": type(model).__name__,
        "processor": type(processor).__name__,
        "image_processor": type(getattr(processor, "image_processor", None)).__name__,
        "chat_template": bool(getattr(processor, "chat_template", None)),
        "revision": args.revision or getattr(config, "_commit_hash", None),
        "weights_sha256": weights_fingerprint(folder) if folder else None,
        "dtype": str(next(model.parameters()).dtype).replace("torch.", ""),
        "parameters": sum(p.numel() for p in model.parameters()),
        **({"device_map": dict(getattr(model, "hf_device_map", {}) or {})} if placement else {}),
    }
    return LoadedVisionLanguage(checkpoint, role, model, tokenizer, config, device, args, info,
                                processor=processor, family=family)
