"""Sentence-pair classification (XNLI, PAWS-X): accuracy over (sentence1, sentence2) → label.

Rows: ``{"id", "sentence1", "sentence2", "label"}``. A gold label outside the task's labels
(e.g. an unlabelled "-") stays in the denominator and counts as wrong, as the original
evaluations do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.token_cache import tokenize
from harness.kinds.base import Predictions, TaskKind
from harness.metrics.corpus import MetricSpec
from harness.models.labels import map_labels
from harness.taskfiles.schema import TaskConfig


def effective_max_length(task: TaskConfig, loaded) -> int:
    limit = loaded.args.max_length or task.max_length or loaded.max_positions or 512
    if loaded.max_positions:
        limit = min(limit, loaded.max_positions)
    return limit


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def canonical_label(task: TaskConfig, label) -> str:
    """A gold label spelled as the task spells it: the XNLI-MT files say "contradictory", which
    XTREME's xnli_preprocess reads as "contradiction" (the task file lists such aliases)."""
    label = str(label)
    if task.labels and label not in task.labels:
        for name, aliases in task.label_aliases.items():
            if label in aliases:
                return name
    return label


class PairClassification(TaskKind):
    name = "pair_classification"
    model_role = "sequence_classification"
    metric_specs = {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")}

    def output_to_task(self, task: TaskConfig, loaded) -> list[int | None]:
        return map_labels(loaded.config.id2label, task.labels, task.label_aliases, loaded.args.label_map,
                          where=f"{task.task} with {loaded.checkpoint}")

    def check_task(self, task: TaskConfig, loaded) -> None:
        self.output_to_task(task, loaded)

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        mapping = self.output_to_task(task, loaded)
        used = [out for out, t in enumerate(mapping) if t is not None]
        task_of_used = [mapping[out] for out in used]
        max_length = effective_max_length(task, loaded)
        rows = data.rows
        features = tokenize(loaded.tokenizer, [r["sentence1"] for r in rows], [r["sentence2"] for r in rows],
                            max_length=max_length)
        pad = {"input_ids": loaded.tokenizer.pad_token_id or 0}
        logits = runner.run(features, lambda batch: loaded.model(**batch).logits, pad,
                            desc=f"{task.task}/{data.lang}")
        values, details = [], []
        for row_logits in logits:
            probs = softmax(np.asarray(row_logits)[used])
            by_task = np.zeros(len(task.labels))
            by_task[task_of_used] = probs
            values.append(task.labels[int(np.argmax(by_task))])
            details.append({"probs": [round(float(p), 6) for p in by_task]})
        return Predictions(values, details, info={"max_length": max_length})

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        rows = []
        for row, pred in zip(data.rows, predictions.values):
            gold = canonical_label(task, row["label"])
            rows.append({"id": row["id"], "gold": gold, "prediction": pred,
                         "stats": {"correct": int(pred == gold and gold in task.labels)}})
        return rows

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join(f"{label}\n" for label in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) != len(data.rows):
            raise HarnessError(f"{path}: {len(lines)} lines, expected {len(data.rows)} (one label per example)")
        values = []
        for lineno, line in enumerate(lines, 1):
            label = line.strip()
            if label not in task.labels:
                raise HarnessError(f"{path}:{lineno}: label {label!r} is not one of {', '.join(task.labels)}")
            values.append(label)
        return Predictions(values)
