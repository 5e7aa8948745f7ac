"""Image(s) + text → label (XVNLI: image + hypothesis → NLI label; MaRVL: two images + statement →
true/false). Accuracy.

Rows: ``{"id", "images", "hypothesis", "label"}``. Classifier heads map their labels to the
task's by name; generative models score each label's verbalisation (``options.prompt.choices``)
by log-likelihood after the prompt and pick the likeliest. A gold label outside the task's labels
(XVNLI's 14 unlabelled "-" pairs) and an example whose image is missing or unreadable stay in the
denominator and count as wrong, as IGLUE's evaluation keeps every pair.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.kinds import vision_inputs as vi
from harness.kinds.base import Predictions, TaskKind
from harness.kinds.pair_classification import softmax
from harness.metrics.corpus import MetricSpec
from harness.models.labels import map_labels
from harness.models.vision_language import classifier, generative
from harness.models.vision_language.batches import text_limit
from harness.taskfiles.schema import TaskConfig


def gold_label(value) -> str:
    """MaRVL keeps booleans, NLVR2 the strings "True"/"False"; both become "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text.lower() if text.lower() in ("true", "false") else text


class ImageTextClassification(TaskKind):
    name = "image_text_classification"
    model_role = "vision_language"
    metric_specs = {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")}

    def skip_reason(self, task: TaskConfig, loaded) -> str | None:
        family = vi.family_of(loaded)
        if family == "dual_encoder":
            return (f"{task.task} needs a label per example; a dual encoder only scores image–text similarity "
                    "(give a classifier head or a generative model)")
        if family == "classifier" and vi.images_per_example(task) == 1 and classifier.takes_image_pairs(loaded):
            return f"its head ({type(loaded.model).__name__}) takes image pairs; {task.task} has one image per example"
        return None

    def check_task(self, task: TaskConfig, loaded) -> None:
        """Label mapping, the two-image layout and the prompt's choices concern every language:
        checked once, so a problem stops the task with one message."""
        if vi.family_of(loaded) == "classifier":
            self._label_mapping(task, loaded)
            self._classifier_concat(task, loaded)
        else:
            vi.choice_words(vi.task_prompt(task, loaded), task.labels, str(task.source_file))
            self._image_layout(task, loaded, generative.default_two_images(loaded))

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        family = vi.family_of(loaded)
        desc = f"{task.task}/{data.lang}"
        if family == "classifier":
            texts = [vi.row_text(row, "hypothesis") for row in data.rows]
            located = vi.locate_examples(task, data, texts)
            values, details, info = self._classify(task, data, loaded, runner, located, desc)
        else:
            prompt = vi.task_prompt(task, loaded)
            n_images, concat = self._image_layout(task, loaded, generative.default_two_images(loaded))
            texts = [generative.render_prompt(loaded.processor, vi.fill_prompt(prompt["text"], row, str(task.source_file)),
                                              n_images) for row in data.rows]
            located = vi.locate_examples(task, data, texts)
            values, details, info = self._choose(task, data, loaded, runner, located, prompt, concat, desc)
        metrics, missing_info = vi.missing_summary(task, data, located)
        return Predictions(values, details, metrics, {**info, **missing_info, "family": family})

    def _image_layout(self, task: TaskConfig, loaded, default: str) -> tuple[int, bool]:
        per_example = vi.images_per_example(task)
        if per_example == 1:
            return 1, False
        concat = vi.two_images_mode(loaded, default) == "concat"
        return (1 if concat else per_example), concat

    @staticmethod
    def _label_mapping(task: TaskConfig, loaded) -> list:
        return map_labels(loaded.config.id2label, task.labels, task.label_aliases, loaded.args.label_map,
                          where=f"{task.task} with {loaded.checkpoint}")

    def _classifier_concat(self, task: TaskConfig, loaded) -> bool:
        default = "separate" if classifier.takes_image_pairs(loaded) else "concat"
        _, concat = self._image_layout(task, loaded, default)
        if classifier.takes_image_pairs(loaded) and concat:
            raise HarnessError(f"--model_args two_images=concat: {type(loaded.model).__name__} takes image pairs")
        return concat

    def _classify(self, task, data, loaded, runner, located, desc):
        mapping = self._label_mapping(task, loaded)
        used = [out for out, t in enumerate(mapping) if t is not None]
        concat = self._classifier_concat(task, loaded)
        max_length = text_limit(loaded, task.max_length)
        logits, notes = classifier.classifier_logits(loaded, runner, located.examples, located.store, max_length,
                                                     concat, desc) if located.examples else ([], [])
        vi.record_unreadable(task, data, located, notes)
        values: list[str | None] = [None] * len(data.rows)
        details: list[dict] = [{"missing_image": True} for _ in data.rows]
        failed = located.failed_rows()
        for example, row_logits in zip(located.examples, logits):
            if example.index in failed:
                continue
            probs = softmax(np.asarray(row_logits, dtype=np.float64)[used])
            by_task = np.zeros(len(task.labels))
            by_task[[mapping[out] for out in used]] = probs
            values[example.index] = task.labels[int(np.argmax(by_task))]
            details[example.index] = {"probs": [round(float(p), 6) for p in by_task]}
        info = {"max_length": max_length}
        if vi.images_per_example(task) > 1:  # XVNLI has one image per example: nothing to report
            info["two_images"] = "concat" if concat else "separate"
        return values, details, info

    def _choose(self, task, data, loaded, runner, located, prompt, concat, desc):
        words = vi.choice_words(prompt, task.labels, str(task.source_file))
        scores, notes = generative.choice_log_likelihoods(loaded, runner, located.examples, located.store, words,
                                                          concat, desc) if located.examples else ([], [])
        vi.record_unreadable(task, data, located, notes)
        values: list[str | None] = [None] * len(data.rows)
        details: list[dict] = [{"missing_image": True} for _ in data.rows]
        failed = located.failed_rows()
        for example, row_scores in zip(located.examples, scores):
            if example.index in failed:
                continue
            values[example.index] = task.labels[int(np.argmax(row_scores))]
            details[example.index] = {"choice_logprobs": {label: round(float(s), 6)
                                                          for label, s in zip(task.labels, row_scores)}}
        info = {"prompt": prompt["text"], "choices": dict(zip(task.labels, words)),
                "chat_template": bool(getattr(loaded.processor, "chat_template", None))}
        if vi.images_per_example(task) > 1:
            info["two_images"] = "concat" if concat else "separate"
        return values, details, info

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        rows = []
        for row, pred in zip(data.rows, predictions.values):
            gold = gold_label(row["label"])
            rows.append({"id": row["id"], "gold": gold, "prediction": pred,
                         "stats": {"correct": int(pred is not None and pred == gold and gold in task.labels)}})
        return rows

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        # An example without a prediction (its image was missing) is an empty line, so the file
        # keeps one line per annotation row and rescores to the same accuracy.
        return "".join(f"{label or ''}\n" for label in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(data.rows):
            raise HarnessError(f"{path}: {len(lines)} lines, expected {len(data.rows)} (one label per example)")
        values: list[str | None] = []
        for lineno, line in enumerate(lines, 1):
            label = gold_label(line.strip()) if line.strip() else None
            if label is not None and label not in task.labels:
                raise HarnessError(f"{path}:{lineno}: label {line.strip()!r} is not one of {', '.join(task.labels)}")
            values.append(label)
        return Predictions(values)
