"""Bitext mining (BUCC 2018) under XTREME's protocol; see harness/metrics/bucc.py for the steps.

Rows (per split): ``{"source": [[id, sentence]…], "target": [[id, sentence]…], "gold": [[src_id,
en_id]…]}``. The threshold is tuned for F1 on the dev ("sample") split's gold and applied to the
test ("training") split; ``oracle_f1`` is the F1 with the threshold tuned on the test gold itself,
an upper bound that is not comparable with published numbers.

Per-example statistics are per source sentence: tp, fp and fn of the pairs it takes part in, so
the corpus F1 is recomputed from sums (for paired approximate randomisation).
"""

from __future__ import annotations

from pathlib import Path

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.distributed import sharded_knn
from harness.evaluator.encode import encode_sentences
from harness.kinds.base import Predictions, TaskKind
from harness.kinds.pair_classification import effective_max_length
from harness.kinds.retrieval_settings import retrieval_settings
from harness.metrics.bucc import (
    Collapsed,
    bucc_extract,
    bucc_margin_scores,
    bucc_optimize_threshold,
    expand_candidates,
    mine_max,
)
from harness.metrics.corpus import MetricSpec
from harness.metrics.retrieval import l2_normalize
from harness.taskfiles.schema import TaskConfig


class BitextMining(TaskKind):
    name = "bitext_mining"
    model_role = "encoder"
    extra_splits = ("dev",)
    metric_specs = {
        "f1": MetricSpec("f1", "f1", None, "randomization"),
        "precision": MetricSpec("precision", "precision", None, "randomization"),
        "recall": MetricSpec("recall", "recall", None, "randomization"),
    }

    def limit_rows(self, rows, limit):
        if limit is None:
            return rows
        source, target = rows["source"][:limit], rows["target"][:limit]
        keep_s, keep_t = {s for s, _ in source}, {t for t, _ in target}
        gold = [g for g in rows["gold"] if g[0] in keep_s and g[1] in keep_t]
        return {"source": source, "target": target, "gold": gold}

    def count(self, rows) -> int:
        return len({sid for sid, _ in rows["source"]})

    def _candidates(self, rows, encode, k: int, device: str, side: str):
        source, target = Collapsed.of(rows["source"]), Collapsed.of(rows["target"])
        x = l2_normalize(encode(source.texts, f"{side} source"))
        y = l2_normalize(encode(target.texts, f"{side} target"))
        pairs = mine_max(*bucc_margin_scores(x, y, k=k, device=device, knn=sharded_knn))
        return expand_candidates(pairs, source, target)

    def check_task(self, task: TaskConfig, loaded) -> None:
        retrieval_settings(task, loaded)

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        if "dev" not in data.extra_splits:
            raise HarnessError(f"{task.task}/{data.lang}: the dev (sample) split is needed to choose the threshold")
        settings = retrieval_settings(task, loaded)
        max_length = effective_max_length(task, loaded)
        k = int(task.options.get("neighbourhood", 4))
        device = str(runner.device)

        def encode(texts, what):
            return encode_sentences(loaded, runner, texts, settings["layer"], settings["pooling"], max_length,
                                    desc=f"{task.task}/{data.lang} {what}")

        dev = data.extra_splits["dev"]
        dev_candidates = self._candidates(dev, encode, k, device, "dev")
        threshold, dev_f1 = bucc_optimize_threshold(dev_candidates, map(tuple, dev["gold"]))
        test_candidates = self._candidates(data.rows, encode, k, device, "test")
        extracted = bucc_extract(test_candidates, threshold)
        oracle_threshold, oracle_f1 = bucc_optimize_threshold(test_candidates, map(tuple, data.rows["gold"]))
        scores = {}
        for (sid, tid), score in test_candidates.items():
            scores[sid] = max(score, scores.get(sid, float("-inf")))
        details = {sid: {"score": round(score, 6)} for sid, score in scores.items()}
        metrics = {"threshold": threshold, "dev_f1": dev_f1 * 100, "oracle_f1": oracle_f1 * 100,
                   "oracle_threshold": oracle_threshold}
        info = {**settings, "max_length": max_length, "neighbourhood": k, "margin": "ratio", "retrieval": "max"}
        return Predictions([list(pair) for pair in extracted], details, metrics, info)

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        rows = data.rows
        gold, predicted = {}, {}
        for sid, tid in rows["gold"]:
            gold.setdefault(sid, set()).add(tid)
        for sid, tid in predictions.values:
            predicted.setdefault(sid, set()).add(tid)
        out = []
        for sid in dict.fromkeys(s for s, _ in rows["source"]):
            g, p = gold.get(sid, set()), predicted.get(sid, set())
            tp = len(g & p)
            row = {"id": sid, "gold": sorted(g), "prediction": sorted(p),
                   "stats": {"tp": tp, "fp": len(p) - tp, "fn": len(g) - tp}}
            out.append(row)
        return out

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join(f"{sid}\t{tid}\n" for sid, tid in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        source_ids = {sid for sid, _ in data.rows["source"]}
        target_ids = {tid for tid, _ in data.rows["target"]}
        pairs = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.strip().split("\t")
            if len(parts) != 2:
                raise HarnessError(f"{path}:{lineno}: expected src_id<TAB>en_id")
            if parts[0] not in source_ids:
                raise HarnessError(f"{path}:{lineno}: source id {parts[0]!r} is not in the {data.lang} source sentences")
            if parts[1] not in target_ids:
                raise HarnessError(f"{path}:{lineno}: English id {parts[1]!r} is not in the English sentences")
            pairs.append(parts)
        return Predictions(pairs)

