"""Image–text retrieval (xFlickr&CO, WIT) with a dual encoder: Recall@1/5/10 both ways.

Rows: ``{"id", "images": [one], "caption"}``; caption i and image i belong together, every row
its own candidate (IGLUE's eval_retrieval.py). Text→image (IR): each caption ranks all images;
image→text (TR): each image ranks all captions. Cosine similarity of L2-normalised embeddings.
An image that is missing or unreadable leaves the candidate pool, and its row counts as a miss
in both directions. Per example the samples keep the 0/1 hits (for McNemar tests) and the gold's
rank (``ir_rank``, ``tr_rank``; 0 = no usable image).

Submission file (``test-<lang>.tsv``): per caption, its ten best images' row indices, best first,
space-separated; ``harness score`` recomputes IR Recall@1/5/10 from it (TR needs the model).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.kinds import vision_inputs as vi
from harness.kinds.base import Predictions, TaskKind
from harness.metrics.corpus import MetricSpec
from harness.metrics.image_text_retrieval import gold_ranks, recall_hits, top_candidates
from harness.metrics.retrieval import l2_normalize
from harness.models.vision_language import dual_encoder
from harness.models.vision_language.batches import text_limit
from harness.taskfiles.schema import TaskConfig

KS = (1, 5, 10)
LISTED = 10


class ImageTextRetrieval(TaskKind):
    name = "image_text_retrieval"
    model_role = "vision_language"
    metric_specs = {
        **{f"ir_r{k}": MetricSpec(f"ir_r{k}", "mean", f"ir_hit{k}", "mcnemar") for k in KS},
        **{f"tr_r{k}": MetricSpec(f"tr_r{k}", "mean", f"tr_hit{k}", "mcnemar") for k in KS},
    }

    def skip_reason(self, task: TaskConfig, loaded) -> str | None:
        family = vi.family_of(loaded)
        if family != "dual_encoder":
            return (f"{task.task} ranks every caption against every image and needs a dual encoder (text and image "
                    f"embeddings); a {family} model would have to score every caption–image pair")
        return None

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        desc = f"{task.task}/{data.lang}"
        captions = [vi.row_text(row, "caption") for row in data.rows]
        located = vi.locate_examples(task, data, captions)
        max_length = text_limit(loaded, task.max_length)
        texts = l2_normalize(dual_encoder.text_embeddings(loaded, runner, captions, max_length, desc))
        image_ok = np.zeros(len(data.rows), dtype=bool)
        images = np.zeros_like(texts)
        if located.examples:
            outputs, notes = dual_encoder.image_embeddings(loaded, runner, located.examples, located.store, desc)
            vi.record_unreadable(task, data, located, notes)
            for example, vector in zip(located.examples, outputs):
                images[example.index] = vector
            image_ok[[e.index for e in located.examples]] = True
        image_ok[sorted(located.failed_rows())] = False
        images = l2_normalize(images)
        similarity = texts @ images.T
        ir = gold_ranks(similarity, candidate_ok=image_ok)
        tr = gold_ranks(similarity.T, query_ok=image_ok)
        top = top_candidates(similarity, LISTED, candidate_ok=image_ok)
        values = [[int(j) for j in row if image_ok[j]] for row in top]
        details = [{"ir_rank": int(ir[i]), "tr_rank": int(tr[i]),
                    "stats": {f"tr_hit{k}": int(recall_hits(tr[i:i + 1], k)[0]) for k in KS},
                    **({"missing_image": True} if not image_ok[i] else {})} for i in range(len(data.rows))]
        metrics, missing_info = vi.missing_summary(task, data, located)
        return Predictions(values, details, metrics, {"max_length": max_length, "similarity": "cosine",
                                                      "family": vi.family_of(loaded), **missing_info})

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        rows = []
        for i, (row, top) in enumerate(zip(data.rows, predictions.values)):
            rows.append({"id": row["id"], "gold": i, "prediction": top[0] if top else None,
                         "stats": {f"ir_hit{k}": int(i in top[:k]) for k in KS}})
        return rows

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join(" ".join(str(j) for j in top) + "\n" for top in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        n = len(data.rows)
        if len(lines) != n:
            raise HarnessError(f"{path}: {len(lines)} lines, expected {n} (ranked image indices per caption)")
        values = []
        for lineno, line in enumerate(lines, 1):
            try:
                top = [int(part) for part in line.split()]
            except ValueError:
                raise HarnessError(f"{path}:{lineno}: expected space-separated image indices, got {line.strip()!r}") from None
            bad = [j for j in top if not 0 <= j < n]
            if bad:
                raise HarnessError(f"{path}:{lineno}: image index {bad[0]} outside 0–{n - 1}")
            values.append(top)
        return Predictions(values)
