"""Word-level tagging (UD-POS, PAN-X): one tag per word, read at the word's first sub-token.

Rows: ``{"id", "tokens", "tags"}``, one per sentence. Checkpoint outputs are mapped to the task's
tags by name through ``config.id2label``. Sentences longer than ``max_length`` sub-tokens are read
in overlapping windows (harness/evaluator/word_windows.py), so every word is predicted.

Metrics, as XTREME's evaluate.py: seqeval's span F1 / precision / recall over the sentences
(harness/metrics/span_f1.py; for UD-POS over the bare UPOS tags), and token accuracy. Per
sentence the samples keep tp / fp / fn and correct / tokens, so every corpus number is
recomputed from sums.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.token_cache import cached_build
from harness.evaluator.word_windows import build_tagging_inputs
from harness.kinds.base import Predictions, TaskKind
from harness.kinds.pair_classification import effective_max_length
from harness.metrics.corpus import MetricSpec
from harness.metrics.span_f1 import sentence_span_stats, sentence_token_stats
from harness.models.labels import map_labels
from harness.taskfiles.schema import TaskConfig


class TokenTagging(TaskKind):
    name = "token_tagging"
    model_role = "token_classification"
    metric_specs = {
        "f1": MetricSpec("f1", "f1", None, "randomization"),
        "precision": MetricSpec("precision", "precision", None, "randomization"),
        "recall": MetricSpec("recall", "recall", None, "randomization"),
        "accuracy": MetricSpec("accuracy", "ratio", "correct", "randomization", per="tokens"),
    }

    def check_task(self, task: TaskConfig, loaded) -> None:
        self._mapping(task, loaded)

    @staticmethod
    def _mapping(task: TaskConfig, loaded) -> list[int | None]:
        return map_labels(loaded.config.id2label, task.labels, task.label_aliases, loaded.args.label_map,
                          where=f"{task.task} with {loaded.checkpoint}")

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        mapping = self._mapping(task, loaded)
        used = np.array([out for out, t in enumerate(mapping) if t is not None])
        tag_of_used = [task.labels[mapping[out]] for out in used]
        max_length = effective_max_length(task, loaded)
        sentences = [r["tokens"] for r in data.rows]
        inputs = cached_build(loaded.tokenizer, "tagging-windows", [sentences, max_length],
                              lambda: build_tagging_inputs(loaded.tokenizer, sentences, max_length))
        pad = {"input_ids": loaded.tokenizer.pad_token_id or 0}
        logits = runner.run(inputs.features, lambda batch: loaded.model(**batch).logits, pad,
                            desc=f"{task.task}/{data.lang}", per_token=True)
        values = [[] for _ in inputs.positions]
        if logits:
            # one gather and one argmax over every word's first sub-token, all windows at once
            starts = np.cumsum([0] + [len(window) for window in logits])
            index = [starts[w] + p for positions in inputs.positions for w, p in positions]
            choices = np.concatenate(logits)[:, used][index].argmax(axis=1)
            ends = np.cumsum([len(positions) for positions in inputs.positions])
            values = [[tag_of_used[c] for c in choices[end - len(positions):end]]
                      for positions, end in zip(inputs.positions, ends)]
        info = {"max_length": max_length, "windows": len(inputs.features), "split_sentences": inputs.split_sentences}
        return Predictions(values, info=info)

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        gold = [row["tags"] for row in data.rows]
        spans = sentence_span_stats(gold, predictions.values)
        return [
            {"id": row["id"], "gold": row["tags"], "prediction": list(pred),
             "stats": {**span, **sentence_token_stats(row["tags"], pred)}}
            for row, pred, span in zip(data.rows, predictions.values, spans)
        ]

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join("".join(f"{tag}\n" for tag in tags) + "\n" for tags in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        """XTREME's tagging predictions in either layout: one tag per line with a blank line after
        each sentence (what ``format_submission`` writes), or one sentence per line with its tags
        space-separated (REFERENCE.md's description of the leaderboard's files). A line holding
        several tags marks the second."""
        lines = path.read_text(encoding="utf-8").splitlines()
        per_sentence = any(len(line.split()) > 1 for line in lines)
        layout = ("one sentence per line, its tags space-separated" if per_sentence
                  else "one tag per line, a blank line after each sentence")
        sentences: list[tuple[int, list[str]]] = []  # (first line, tags)
        current: list[str] = []
        start = 1
        for lineno, line in enumerate(lines, 1):
            tags = line.split()
            if per_sentence:
                if not tags and lineno == len(lines):
                    continue  # a trailing empty line
                for tag in tags:
                    self._check_tag(path, lineno, tag, task)
                sentences.append((lineno, tags))
                continue
            if not tags:
                if current:
                    sentences.append((start, current))
                current = []
                continue
            if not current:
                start = lineno
            self._check_tag(path, lineno, tags[0], task)
            current.append(tags[0])
        if current:
            sentences.append((start, current))
        for number, ((lineno, tags), row) in enumerate(zip(sentences, data.rows), 1):
            if len(tags) != len(row["tokens"]):
                raise HarnessError(f"{path}:{lineno}: sentence {number} has {len(tags)} tags, expected "
                                   f"{len(row['tokens'])} (one per word; {layout})")
        if len(sentences) != len(data.rows):
            raise HarnessError(f"{path}: {len(sentences)} sentences, expected {len(data.rows)} ({layout})")
        return Predictions([tags for _, tags in sentences])

    @staticmethod
    def _check_tag(path: Path, lineno: int, tag: str, task: TaskConfig) -> None:
        if tag not in task.labels:
            raise HarnessError(f"{path}:{lineno}: tag {tag!r} is not one of {', '.join(task.labels)}")
