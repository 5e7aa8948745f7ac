"""Tiny vision-language checkpoints of each family, and the demo's synthetic images.

Built offline from transformers configs with seeded random weights, saved with
``save_pretrained`` together with their processors (PIL image processors: no torchvision), so
they load through the same code as hub checkpoints:
- classifier: ViLT with a VQA-style head (XVNLI's labels) and with a two-image NLVR2 head (MaRVL);
- dual encoder: CLIP (or SigLIP), for xFlickr&CO and WIT;
- generative: a LLaVA (CLIP vision tower, Llama text model) with a chat template, for xGQA.
The tests build the same models through these functions.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Mapping, Sequence

from harness import __version__
from harness.fileio import build_directory_once
from harness.demo.checkpoints import build_tokenizer, cache_root

IMAGE_TOKEN = "<image>"
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] | upper }}: "
    "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>' }}{{ '\\n' }}"
    "{% else %}{{ part['text'] }}{% endif %}{% endfor %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)
TINY = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2}
# What the demo's vision-language part is made of: task → (family builder, labels).
VL_DEMO_HEADS: Mapping[str, tuple[str, tuple[str, ...] | None]] = {
    "xvnli": ("vilt", ("entailment", "neutral", "contradiction")),
    "marvl": ("vilt_pair", ("False", "True")),
    "xgqa": ("llava", None),
    "xflickrco": ("clip", None),
    "wit": ("clip", None),
}
VL_DEMO_RECIPE = ("vl-2", sorted(VL_DEMO_HEADS.items()), sorted(TINY.items()))  # vl-2: MaRVL's English (NLVR2)


def _save(model, processor, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def build_vilt(folder: Path, tokenizer, labels: Sequence[str], pair: bool = False, seed: int = 0,
               image_size: int = 32, patch_size: int = 8, dims: Mapping[str, int] = TINY) -> Path:
    """ViLT with a classification head: VQA-style over ``labels``, or NLVR2-style over an image pair."""
    import torch
    import transformers

    from harness.models.loading import quiet_transformers

    quiet_transformers()
    config = transformers.ViltConfig(
        vocab_size=len(tokenizer), **dims, image_size=image_size, patch_size=patch_size, max_image_length=-1,
        max_position_embeddings=64, num_images=2 if pair else -1, modality_type_vocab_size=3 if pair else 2,
        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)})
    torch.manual_seed(seed)
    model = (transformers.ViltForImagesAndTextClassification if pair else transformers.ViltForQuestionAnswering)(config)
    image_processor = transformers.ViltImageProcessorPil(size={"shortest_edge": image_size}, size_divisor=patch_size)
    return _save(model, transformers.ViltProcessor(image_processor=image_processor, tokenizer=tokenizer), folder)


def build_dual_encoder(folder: Path, tokenizer, seed: int = 0, siglip: bool = False, image_size: int = 32,
                       patch_size: int = 8, dims: Mapping[str, int] = TINY) -> Path:
    """CLIP (or SigLIP) with tiny towers and the given tokenizer."""
    import torch
    import transformers

    from harness.models.loading import quiet_transformers

    quiet_transformers()
    text = {**dims, "vocab_size": len(tokenizer), "max_position_embeddings": 64, "pad_token_id": tokenizer.pad_token_id}
    vision = {**dims, "image_size": image_size, "patch_size": patch_size}
    torch.manual_seed(seed)
    if siglip:
        model = transformers.SiglipModel(transformers.SiglipConfig(text_config=text, vision_config=vision))
        image_processor = transformers.SiglipImageProcessorPil(size={"height": image_size, "width": image_size})
        processor = transformers.SiglipProcessor(image_processor=image_processor, tokenizer=tokenizer)
    else:
        text.update(bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id)
        model = transformers.CLIPModel(transformers.CLIPConfig(text_config=text, vision_config=vision, projection_dim=16))
        image_processor = transformers.CLIPImageProcessorPil(size={"shortest_edge": image_size},
                                                             crop_size={"height": image_size, "width": image_size})
        processor = transformers.CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer)
    return _save(model, processor, folder)


def causal_tokenizer(texts: Sequence[str]):
    """The demo WordPiece vocabulary as a decoder's tokenizer: BOS only, an image token, a chat template."""
    from tokenizers import processors

    tokenizer = build_tokenizer(texts)
    bos = tokenizer.cls_token_id
    tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A", pair="[CLS] $A $B", special_tokens=[("[CLS]", bos)])
    tokenizer.add_special_tokens({"additional_special_tokens": [IMAGE_TOKEN]})
    tokenizer.bos_token, tokenizer.eos_token = "[CLS]", "[SEP]"
    return tokenizer


def build_llava(folder: Path, tokenizer, seed: int = 0, image_size: int = 32, patch_size: int = 8,
                chat_template: bool = True, dims: Mapping[str, int] = TINY) -> Path:
    """A LLaVA: CLIP vision tower, two-layer Llama, and a processor with (or without) a chat template."""
    import torch
    import transformers

    from harness.models.loading import quiet_transformers

    quiet_transformers()
    vision = transformers.CLIPVisionConfig(**dims, image_size=image_size, patch_size=patch_size)
    text = transformers.LlamaConfig(vocab_size=len(tokenizer), **dims, num_key_value_heads=dims["num_attention_heads"],
                                    max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
                                    bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    config = transformers.LlavaConfig(vision_config=vision, text_config=text,
                                      image_token_index=tokenizer.convert_tokens_to_ids(IMAGE_TOKEN),
                                      vision_feature_select_strategy="default", vision_feature_layer=-1)
    torch.manual_seed(seed)
    model = transformers.LlavaForConditionalGeneration(config)
    image_processor = transformers.CLIPImageProcessorPil(size={"shortest_edge": image_size},
                                                         crop_size={"height": image_size, "width": image_size})
    processor = transformers.LlavaProcessor(
        image_processor=image_processor, tokenizer=tokenizer, patch_size=patch_size,
        vision_feature_select_strategy="default", num_additional_image_tokens=1,
        chat_template=CHAT_TEMPLATE if chat_template else None, image_token=IMAGE_TOKEN)
    return _save(model, processor, folder)


def build_vl_demo(staging: Path) -> None:
    """The demo's vision-language checkpoints, into the folder ensure_demo_checkpoints fills."""
    from harness.demo.iglue_data import demo_texts

    texts = demo_texts()
    tokenizer = build_tokenizer(texts, lowercase=True)
    built: dict[str, Path] = {}
    for seed, (task, (family, labels)) in enumerate(sorted(VL_DEMO_HEADS.items()), start=100):
        folder = staging / f"vl-{family}"
        if family in built:
            continue
        if family in ("vilt", "vilt_pair"):
            build_vilt(folder, tokenizer, list(labels or ()), pair=family == "vilt_pair", seed=seed)
        elif family == "clip":
            build_dual_encoder(folder, tokenizer, seed=seed)
        else:
            build_llava(folder, causal_tokenizer(texts), seed=seed)
        built[family] = folder


def vl_demo_folders(target: Path) -> dict[str, Path]:
    return {task: target / f"vl-{family}" for task, (family, _labels) in VL_DEMO_HEADS.items()}


# ---- synthetic pictures ---------------------------------------------------------------------
RGB = {"red": (220, 40, 40), "blue": (40, 70, 220), "green": (40, 170, 60), "yellow": (235, 210, 40)}


def draw_shape(colour: str, shape: str, size: int = 64, background=(245, 245, 245)):
    """A PIL image of one coloured shape on a light background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    lo, hi = size // 6, size - size // 6
    fill = RGB.get(colour, (128, 128, 128))
    if shape == "circle":
        draw.ellipse((lo, lo, hi, hi), fill=fill)
    elif shape == "square":
        draw.rectangle((lo, lo, hi, hi), fill=fill)
    else:
        draw.polygon([(size // 2, lo), (hi, hi), (lo, hi)], fill=fill)
    return image


def write_image(path: Path, image) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}.get(path.suffix.lower(), "PNG")
    image.save(path, format=fmt)


def ensure_demo_images(root: Path | None = None) -> Path:
    """Draw the demo's pictures (harness/demo/data/iglue_images.json) once into the cache:
    ``<cache>/demo-images-<hash>/<task>/<file>``, built aside and renamed into place."""
    from harness.data.sources import DEMO_DATA_DIR

    manifest_path = DEMO_DATA_DIR / "iglue_images.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    digest = hashlib.sha256(repr((__version__, manifest)).encode()).hexdigest()[:12]

    def draw(staging: Path) -> None:
        for task, files in manifest.items():
            for name, (colour, shape) in files.items():
                write_image(staging / task / name, draw_shape(colour, shape))

    return build_directory_once((root or cache_root()) / f"demo-images-{digest}", draw)
