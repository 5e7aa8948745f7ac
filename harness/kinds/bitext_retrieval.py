"""Bitext retrieval (Tatoeba): top-1 cosine accuracy between line-aligned translations.

Rows: ``{"id", "source", "target"}`` with source the non-English sentence and target English.
As XTREME's run_retrieval.py: the index holds the non-English sentences and each English
sentence queries it; correct when the retrieved line is its own translation. The reverse
direction (non-English queries, English index) is reported as ``accuracy_reverse``.
"""

from __future__ import annotations

from pathlib import Path

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.encode import encode_sentences
from harness.kinds.base import Predictions, TaskKind
from harness.kinds.pair_classification import effective_max_length
from harness.kinds.retrieval_settings import retrieval_settings
from harness.metrics.corpus import MetricSpec
from harness.metrics.retrieval import l2_normalize, top1_retrieval
from harness.taskfiles.schema import TaskConfig


class BitextRetrieval(TaskKind):
    name = "bitext_retrieval"
    model_role = "encoder"
    metric_specs = {
        "accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar"),
        "accuracy_reverse": MetricSpec("accuracy_reverse", "mean", "correct_reverse", "mcnemar"),
    }

    def check_task(self, task: TaskConfig, loaded) -> None:
        retrieval_settings(task, loaded)

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        settings = retrieval_settings(task, loaded)
        max_length = effective_max_length(task, loaded)
        # English sentences recur across the languages' files: encode each once per model.
        english = loaded.memo.setdefault(("sentence-embeddings", settings["layer"], settings["pooling"], max_length), {})
        encode = lambda texts, side, memo=None: encode_sentences(  # noqa: E731
            loaded, runner, texts, settings["layer"], settings["pooling"], max_length,
            desc=f"{task.task}/{data.lang} {side}", memo=memo)
        source = l2_normalize(encode([r["source"] for r in data.rows], "source"))
        target = l2_normalize(encode([r["target"] for r in data.rows], "target", english))
        device = str(runner.device)
        forward, forward_scores = top1_retrieval(target, source, device=device)
        reverse, _ = top1_retrieval(source, target, device=device)
        details = [
            {"score": round(float(s), 6), "prediction_reverse": int(r), "stats": {"correct_reverse": int(r == i)}}
            for i, (s, r) in enumerate(zip(forward_scores, reverse))
        ]
        return Predictions([int(p) for p in forward], details, info={**settings, "max_length": max_length})

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        return [
            {"id": row["id"], "gold": i, "prediction": int(pred), "stats": {"correct": int(pred == i)}}
            for i, (row, pred) in enumerate(zip(data.rows, predictions.values))
        ]

    @staticmethod
    def submission_order(rows) -> list[int]:
        """XTREME's preprocessing (utils_preprocess.py, tatoeba) sorts the English side by text to
        hide the alignment, so its prediction files list the English queries in that order: line
        k holds the retrieved non-English line for the k-th English sentence by sorted text (a
        stable sort: equal sentences keep file order)."""
        return sorted(range(len(rows)), key=lambda i: rows[i]["target"].strip())

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join(f"{predictions.values[i]}\n" for i in self.submission_order(data.rows))

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        lines = path.read_text(encoding="utf-8").splitlines()
        n = len(data.rows)
        if len(lines) != n:
            raise HarnessError(f"{path}: {len(lines)} lines, expected {n} (one retrieved index per English sentence)")
        values = [0] * n
        for lineno, (line, query) in enumerate(zip(lines, self.submission_order(data.rows)), 1):
            try:
                index = int(line.strip())
            except ValueError:
                raise HarnessError(f"{path}:{lineno}: expected an integer index, got {line.strip()!r}") from None
            if not 0 <= index < n:
                raise HarnessError(f"{path}:{lineno}: index {index} outside 0–{n - 1}")
            values[query] = index
        return Predictions(values)
