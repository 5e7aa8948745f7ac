"""What every task kind provides, and the value objects passed between the stages.

A kind turns a language's rows into model inputs and model outputs into predictions
(:meth:`TaskKind.predict`, the only step that needs a model), then predictions into per-example
samples with sufficient statistics and into metrics (:meth:`TaskKind.score`, pure). ``harness
score`` reads predictions from XTREME's submission files and calls the same ``score``, so a run's
saved predictions rescore to identical numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Mapping

from harness.data.records import LanguageData
from harness.metrics.corpus import MetricSpec, needed_stats, score_metrics
from harness.taskfiles.schema import TaskConfig


@dataclass
class Predictions:
    values: Any  # one prediction per example (or the kind's documented structure)
    # extra per-example fields for the samples file: a list aligned with the examples, or a
    # mapping from example id; a "stats" entry joins the row's statistics
    details: list[dict] | dict[str, dict] | None = None
    metrics: dict[str, float] = field(default_factory=dict)  # extra unit-level numbers
    info: dict[str, Any] = field(default_factory=dict)  # settings used (layer, pooling, …)


@dataclass
class UnitScore:
    metrics: dict[str, float]
    n: int
    samples: list[dict]
    info: dict[str, Any] = field(default_factory=dict)


class TaskKind:
    name: ClassVar[str]
    model_role: ClassVar[str | None]
    extra_splits: ClassVar[tuple[str, ...]] = ()
    metric_specs: ClassVar[Mapping[str, MetricSpec]] = {}
    submission_suffix: ClassVar[str] = "tsv"

    # ---- data ---------------------------------------------------------------------------
    def limit_rows(self, rows: Any, limit: int | None) -> Any:
        return rows if limit is None else rows[:limit]

    def count(self, rows: Any) -> int:
        return len(rows)

    # ---- model → predictions ------------------------------------------------------------
    def check_task(self, task: TaskConfig, model) -> None:
        """Checks that concern the whole task with this model (its labels map, its settings are
        valid), run once before the first language: a HarnessError here stops the task with one
        message instead of one per language."""

    def predict(self, task: TaskConfig, data: LanguageData, model, runner) -> Predictions:
        raise NotImplementedError

    # ---- predictions → samples and metrics (pure) ----------------------------------------
    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        raise NotImplementedError

    def specs_for(self, task: TaskConfig) -> dict[str, MetricSpec]:
        return {name: self.metric_specs[name] for name in task.metrics if name in self.metric_specs}

    def score(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> UnitScore:
        rows = self.sample_rows(task, data, predictions)
        details = predictions.details or ()
        pairs = ((row, details.get(row["id"], {})) for row in rows) if isinstance(details, dict) else zip(rows, details)
        for row, extra in pairs:
            extra = dict(extra)
            row["stats"].update(extra.pop("stats", {}))
            row.update(extra)
        # A metric is scored only where its statistics exist: a submission file gives Tatoeba's
        # forward predictions but not the reverse direction, say.
        specs = {name: spec for name, spec in self.specs_for(task).items()
                 if rows and all(key in rows[0]["stats"] for key in needed_stats(spec))}
        metrics = score_metrics(specs, rows) if rows else {}
        metrics.update(predictions.metrics)
        return UnitScore(metrics, self.count(data.rows), rows, dict(predictions.info))

    # ---- XTREME submission files ---------------------------------------------------------
    def submission_name(self, lang: str) -> str:
        return f"test-{lang}.{self.submission_suffix}"

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        raise NotImplementedError

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        raise NotImplementedError
