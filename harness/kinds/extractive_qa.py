"""Extractive QA (XQuAD, MLQA, TyDiQA-GoldP): the answer is a span of the context.

Rows: ``{"id", "title", "context", "question", "answers": [{"text", "answer_start"}]}``. Long
contexts are read in windows (harness/evaluator/qa_windows.py) and the answer is chosen from the
n-best start and end logits (harness/kinds/answer_spans.py). The settings ``doc_stride``,
``n_best``, ``max_answer_length`` and ``max_query_length`` come from ``--model_args``, else the
task file's ``options``, else XTREME's values.

Metrics: ``exact_match`` and ``f1``, each the mean over questions of a per-question statistic
(harness/metrics/qa.py) with the task's ``options.normalization``: ``squad`` (XQuAD, TyDiQA) or
``mlqa`` for answers in the context's language. A cross-lingual MLQA unit is named
``<context>-<question>`` (``de-en``); its answers are in the first language.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.qa_windows import build_qa_inputs
from harness.evaluator.token_cache import cached_build
from harness.kinds.answer_spans import answer_spans
from harness.kinds.base import Predictions, TaskKind
from harness.kinds.pair_classification import effective_max_length
from harness.metrics.corpus import MetricSpec
from harness.metrics.qa import normalizer, question_stats
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)

# XTREME's run_squad.py defaults.
QA_DEFAULTS = {"doc_stride": 128, "n_best": 20, "max_answer_length": 30, "max_query_length": 64}


def qa_settings(task: TaskConfig, loaded) -> dict:
    settings = {}
    for key, default in QA_DEFAULTS.items():
        if key in loaded.args.extra:
            value, where = loaded.args.extra[key], f"--model_args {key}={loaded.args.extra[key]}"
        else:
            value = task.options.get(key, default)
            where = f"{task.source_file}: key 'options.{key}' = {value!r}"
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if number < 1:
            raise HarnessError(f"{where}: expected a positive integer")
        settings[key] = number
    return settings


def answer_language(data: LanguageData) -> str:
    return data.lang.split("-", 1)[0]


class ExtractiveQA(TaskKind):
    name = "extractive_qa"
    model_role = "question_answering"
    submission_suffix = "json"
    metric_specs = {
        "exact_match": MetricSpec("exact_match", "mean", "exact", "mcnemar"),
        "f1": MetricSpec("f1", "mean", "f1", "permutation"),
    }

    def check_task(self, task: TaskConfig, loaded) -> None:
        qa_settings(task, loaded)

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        settings = qa_settings(task, loaded)
        max_length = effective_max_length(task, loaded)
        rows = data.rows
        questions, contexts = [r["question"] for r in rows], [r["context"] for r in rows]
        inputs = cached_build(
            loaded.tokenizer, "qa-windows-v3",  # v3: no window pairs the context with a cut-off question part
            [questions, contexts, max_length, settings["doc_stride"], settings["max_query_length"]],
            lambda: build_qa_inputs(loaded.tokenizer, questions, contexts, max_length, settings["doc_stride"],
                                    settings["max_query_length"]))

        def forward(batch):
            output = loaded.model(**batch)
            return output.start_logits, output.end_logits

        pad = {"input_ids": loaded.tokenizer.pad_token_id or 0}
        logits = runner.run(inputs.features, forward, pad, desc=f"{task.task}/{data.lang}", per_token=True)
        spans = answer_spans(logits, inputs.windows, len(rows), settings["n_best"], settings["max_answer_length"])
        counts = [0] * len(rows)
        for window in inputs.windows:
            counts[window.example] += 1
        values, details = [], []
        for row, span, count in zip(rows, spans, counts):
            if span is None:
                values.append("")
                details.append({"span": None, "score": None, "windows": count})
                continue
            values.append(row["context"][span.start_char:span.end_char])
            details.append({"span": [span.start_char, span.end_char], "score": round(span.score, 6), "windows": count})
        info = {**settings, "max_length": max_length, "windows": len(inputs.windows)}
        return Predictions(values, details, info=info)

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        normalize = normalizer(str(task.options.get("normalization", "squad")), answer_language(data))
        out = []
        for row, answer in zip(data.rows, predictions.values):
            golds = [a["text"] for a in row["answers"]]
            sample = {"id": row["id"], "gold": golds, "prediction": answer,
                      "stats": question_stats(answer, golds, normalize)}
            if answer is None:
                sample["missing"] = True
            out.append(sample)
        return out

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        answers = {row["id"]: answer for row, answer in zip(data.rows, predictions.values)}
        return json.dumps(answers, ensure_ascii=False, indent=1) + "\n"

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        try:
            answers = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise HarnessError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
        if not isinstance(answers, dict):
            raise HarnessError(f"{path}: expected a JSON object {{question_id: answer_text}}, "
                               f"got {type(answers).__name__}")
        for qid, answer in answers.items():
            if not isinstance(answer, str):
                raise HarnessError(f"{path}: the answer for question {qid!r} is {type(answer).__name__}, "
                                   "expected a string")
        values = [answers.get(row["id"]) for row in data.rows]
        missing = [row["id"] for row, answer in zip(data.rows, values) if answer is None]
        metrics = {}
        if missing:
            # The official scripts count an unanswered question as wrong and keep it in the mean.
            log.warning("%s: %d of %d questions have no answer (counted as wrong), e.g. %s", path, len(missing),
                        len(values), ", ".join(missing[:3]))
            metrics["missing_predictions"] = len(missing)
        return Predictions(values, metrics=metrics)
