"""Image–text classifiers with a head (ViLT-style): one image, or an NLVR2-style image pair, with
a text → logits over the head's labels (config.id2label)."""

from __future__ import annotations

import time

from harness.evaluator.image_inputs import ImageExamples, image_token_cost
from harness.evaluator.runner import CollatedBatch
from harness.models.vision_language.batches import accepted_inputs, notes_for, prep_seconds


def takes_image_pairs(loaded) -> bool:
    """An NLVR2-style head: pixel_values shaped (batch, num_images, channels, height, width)."""
    return "ImagesAndText" in type(loaded.model).__name__ or int(getattr(loaded.config, "num_images", 1) or 1) > 1


class ClassifierCollate:
    def __init__(self, processor, max_length: int, images_per_example: int):
        self.processor = processor
        self.max_length = max_length
        self.images_per_example = images_per_example

    def __call__(self, items) -> CollatedBatch:
        started = time.perf_counter()
        texts = [item[1] for item in items]
        images = [image for item in items for image in item[2]]
        encoded = self.processor(images=images, text=texts, padding="longest", truncation=True,
                                 max_length=self.max_length, return_tensors="pt")
        inputs = dict(encoded)
        if self.images_per_example > 1:
            for key in ("pixel_values", "pixel_mask"):
                if key in inputs:
                    inputs[key] = inputs[key].reshape(len(items), self.images_per_example, *inputs[key].shape[1:])
        return CollatedBatch(inputs, notes_for(items), prep_seconds(items, started))


def classifier_logits(loaded, runner, examples, store, max_length: int, concat: bool, desc: str):
    """Head logits per example (input order) and per-example notes (unreadable images)."""
    per_example = 1 if concat else len(examples[0].payloads)
    lengths = [len(ids) for ids in loaded.tokenizer([e.text for e in examples], truncation=True,
                                                    max_length=max_length)["input_ids"]]
    costs = [n + per_example * image_token_cost(loaded.config) for n in lengths]
    collate = ClassifierCollate(loaded.processor, max_length, per_example)
    model = loaded.model

    def forward(batch):
        return model(**accepted_inputs(model.forward, batch)).logits

    return runner.run_loader(ImageExamples(examples, store, concat), costs, collate, forward, desc=desc)
