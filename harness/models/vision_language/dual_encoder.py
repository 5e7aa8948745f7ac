"""Dual encoders (CLIP, SigLIP, AltCLIP, VisionTextDualEncoder, …): text and image embeddings
from ``get_text_features`` / ``get_image_features``, L2-normalised by the caller."""

from __future__ import annotations

import time

import numpy as np

from harness.evaluator.image_inputs import ImageExamples, image_token_cost
from harness.evaluator.runner import CollatedBatch
from harness.models.vision_language.batches import accepted_inputs, notes_for, prep_seconds

# SigLIP was trained on texts padded to max_length and pools the last position: pad the same way.
PAD_TO_MAX_LENGTH = ("siglip", "siglip2")


def feature_tensor(output):
    """transformers 5 returns a model output whose pooler_output holds the projected features;
    4.x returned the tensor itself."""
    import torch

    if isinstance(output, torch.Tensor):
        return output
    pooled = getattr(output, "pooler_output", None)
    return pooled if pooled is not None else output[0]


def text_embeddings(loaded, runner, texts, max_length: int, desc: str) -> np.ndarray:
    tokenizer = loaded.tokenizer
    pad_to_max = getattr(loaded.config, "model_type", "") in PAD_TO_MAX_LENGTH
    encoded = tokenizer(list(texts), truncation=True, max_length=max_length,
                        padding="max_length" if pad_to_max else False)
    features = [{"input_ids": ids} for ids in encoded["input_ids"]]
    model = loaded.model

    def forward(batch):
        if pad_to_max:
            batch = {"input_ids": batch["input_ids"]}
        return feature_tensor(model.get_text_features(**accepted_inputs(model.get_text_features, batch)))

    pad = {"input_ids": tokenizer.pad_token_id or 0}
    return np.stack(runner.run(features, forward, pad, desc=f"{desc} texts"))


class ImageFeatureCollate:
    def __init__(self, image_processor):
        self.image_processor = image_processor

    def __call__(self, items) -> CollatedBatch:
        started = time.perf_counter()
        images = [image for item in items for image in item[2]]
        inputs = dict(self.image_processor(images=images, return_tensors="pt"))
        return CollatedBatch(inputs, notes_for(items), prep_seconds(items, started))


def image_embeddings(loaded, runner, examples, store, desc: str):
    """Embeddings (input order) and notes; each example holds one image."""
    model = loaded.model
    collate = ImageFeatureCollate(loaded.processor.image_processor)
    costs = [image_token_cost(loaded.config)] * len(examples)

    def forward(batch):
        return feature_tensor(model.get_image_features(**accepted_inputs(model.get_image_features, batch)))

    outputs, notes = runner.run_loader(ImageExamples(examples, store), costs, collate, forward, desc=f"{desc} images")
    return outputs, notes
