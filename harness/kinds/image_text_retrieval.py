"""Image–text retrieval (xFlickr&CO, WIT) with a dual encoder: Recall@1/5/10 both ways.

Rows: ``{"id", "images": [one], "image_key", "caption"}``, one per caption; captions with the
same ``image_key`` share one candidate image (IGLUE's eval_retrieval.py: img_path for
xFlickr&CO, wit_ix for WIT). Text→image (IR): each caption ranks the images; image→text (TR):
each image ranks the captions, by its best-placed own caption. Cosine similarity of
L2-normalised embeddings. An image that is missing or unreadable leaves the candidate pool; its
captions miss in IR and it misses in TR. ``n_missing_images`` counts images, not captions (a WIT
image can have many captions), and the missing-image limit applies to that share of the images.

Samples, one per caption: ``ir_hit{k}`` (0/1); ``tr_hit{k}`` and ``tr_query`` on the first caption
of each image (0 elsewhere), so TR Recall@K = Σ tr_hit / Σ tr_query over images, and a McNemar
test over the rows compares exactly the image queries; the gold ranks ``ir_rank`` / ``tr_rank``
(0 = no usable image).

Submission file (``test-<lang>.tsv``): per caption, its ten best images (numbered by first
appearance in the file), best first, space-separated; ``harness score`` recomputes IR
Recall@1/5/10 from it (TR needs the model).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.kinds import vision_inputs as vi
from harness.kinds.base import Predictions, TaskKind
from harness.metrics.corpus import MetricSpec
from harness.metrics.image_text_retrieval import gold_ranks, group_by_image, recall_hits, top_candidates
from harness.metrics.retrieval import l2_normalize
from harness.models.vision_language import dual_encoder
from harness.models.vision_language.batches import text_limit
from harness.taskfiles.schema import TaskConfig

KS = (1, 5, 10)
LISTED = 10


def image_keys(rows) -> list[str]:
    """What identifies a row's image: the reader's image_key, else its (first) image name."""
    return [str(row.get("image_key") or row["images"][0]) for row in rows]


class ImageTextRetrieval(TaskKind):
    name = "image_text_retrieval"
    model_role = "vision_language"
    metric_specs = {
        **{f"ir_r{k}": MetricSpec(f"ir_r{k}", "mean", f"ir_hit{k}", "mcnemar") for k in KS},
        **{f"tr_r{k}": MetricSpec(f"tr_r{k}", "ratio", f"tr_hit{k}", "mcnemar", per="tr_query") for k in KS},
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
        image_of, image_captions = group_by_image(image_keys(data.rows))
        # Images are located and encoded once each, through their first caption's row.
        firsts = [members[0] for members in image_captions]
        image_data = LanguageData(data.task, data.lang, data.split, [data.rows[r] for r in firsts], data.source,
                                  images=data.images)
        located = vi.locate_examples(task, image_data, [""] * len(firsts))
        max_length = text_limit(loaded, task.max_length)
        texts = l2_normalize(dual_encoder.text_embeddings(loaded, runner, captions, max_length, desc))
        pictures = np.zeros((len(firsts), texts.shape[1]), dtype=np.float32)
        if located.examples:
            outputs, notes = dual_encoder.image_embeddings(loaded, runner, located.examples, located.store, desc)
            vi.record_unreadable(task, image_data, located, notes)
            for example, vector in zip(located.examples, outputs):
                pictures[example.index] = vector
        image_ok = np.zeros(len(firsts), dtype=bool)
        image_ok[[e.index for e in located.examples]] = True
        image_ok[sorted(located.failed_rows())] = False
        similarity = texts @ l2_normalize(pictures).T
        ir = gold_ranks(similarity, [[int(j)] for j in image_of], candidate_ok=image_ok)
        tr = gold_ranks(similarity.T, image_captions, query_ok=image_ok)
        values = top_candidates(similarity, LISTED, candidate_ok=image_ok)
        details = []
        for row in range(len(data.rows)):
            image = int(image_of[row])
            first = image_captions[image][0] == row
            details.append({
                "image": image, "ir_rank": int(ir[row]), "tr_rank": int(tr[image]) if first else None,
                "stats": {"tr_query": int(first), **{f"tr_hit{k}": int(first and recall_hits(tr[image:image + 1], k)[0])
                                                      for k in KS}},
                **({"missing_image": True} if not image_ok[image] else {})})
        metrics, missing_info = vi.missing_summary(task, image_data, located)
        return Predictions(values, details, metrics, {"max_length": max_length, "similarity": "cosine",
                                                      "images": len(firsts), "family": vi.family_of(loaded),
                                                      **missing_info})

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        image_of, _ = group_by_image(image_keys(data.rows))
        rows = []
        for row, gold, top in zip(data.rows, image_of, predictions.values):
            rows.append({"id": row["id"], "gold": int(gold), "prediction": top[0] if top else None,
                         "stats": {f"ir_hit{k}": int(int(gold) in top[:k]) for k in KS}})
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
        n_images = len(group_by_image(image_keys(data.rows))[1])
        values = []
        for lineno, line in enumerate(lines, 1):
            try:
                top = [int(part) for part in line.split()]
            except ValueError:
                raise HarnessError(f"{path}:{lineno}: expected space-separated image indices, got {line.strip()!r}") from None
            bad = [j for j in top if not 0 <= j < n_images]
            if bad:
                raise HarnessError(f"{path}:{lineno}: image index {bad[0]} outside 0–{n_images - 1}")
            values.append(top)
        return Predictions(values)
