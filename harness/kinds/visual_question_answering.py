"""Image + question → short answer (xGQA). Accuracy of normalised exact matches.

Rows: ``{"id", "images", "question", "label"}`` with the English GQA answer as label. A VQA head
(ViLT-style, over an answer vocabulary) answers with the name of its highest output, so its
vocabulary is mapped to GQA's answers by name. IGLUE's classifiers predict over GQA's 1,842
answers (``gqa/trainval_ans2label.json``): the argmax is restricted to the head's outputs named in
that vocabulary — the file found beside the annotations (the task file's
``data.local.resources``), or ``--model_args answer_vocabulary=FILE``; without either it runs over
the head's whole vocabulary. Results record which (``answer_vocabulary``, ``usable_answers``).
A generative model answers greedily after the task's prompt; its first line is the answer. Both
sides are normalised (lower-case, punctuation and English articles removed) before matching.
Missing images: counted, scored as wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.kinds import vision_inputs as vi
from harness.kinds.base import Predictions, TaskKind
from harness.metrics.corpus import MetricSpec
from harness.metrics.vqa import first_answer_line, normalize_answer
from harness.models.vision_language import classifier, generative
from harness.models.vision_language.batches import text_limit
from harness.taskfiles.schema import TaskConfig


def answer_vocabulary(path: str, where: str) -> set[str]:
    """Normalised answers from a JSON list, an answer→index mapping or an index→answer list."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise HarnessError(f"{where}: cannot read it as JSON ({err})") from None
    if not isinstance(data, (dict, list)):
        raise HarnessError(f"{where}: expected a JSON list of answers or a mapping from answer to index")
    answers = data.keys() if isinstance(data, dict) else data
    return {normalize_answer(str(a)) for a in answers}


def head_answers(loaded, data: LanguageData | None = None) -> tuple[list[int], list[str], dict]:
    """The head's outputs that may be predicted, every output's answer name, and what restricted
    them (for the results): ``--model_args answer_vocabulary`` first, else the data's GQA file."""
    id2label = {int(i): str(name) for i, name in loaded.config.id2label.items()}
    names = [id2label[i] for i in sorted(id2label)]
    given = loaded.args.extra.get("answer_vocabulary")
    found = (data.resources.get("answer_vocabulary") if data is not None else None)
    path = str(given) if given else (str(found) if found else None)
    if path is None:
        return list(range(len(names))), names, {"answer_vocabulary": None, "head_answers": len(names),
                                                "usable_answers": len(names)}
    where = f"--model_args answer_vocabulary={path}" if given else f"answer vocabulary {path}"
    vocabulary = answer_vocabulary(path, where)
    usable = [i for i, name in enumerate(names) if normalize_answer(name) in vocabulary]
    if not usable:
        raise HarnessError(f"{where}: none of the head's {len(names)} answers is in it")
    return usable, names, {"answer_vocabulary": path, "answer_vocabulary_size": len(vocabulary),
                           "head_answers": len(names), "usable_answers": len(usable)}


class VisualQuestionAnswering(TaskKind):
    name = "visual_question_answering"
    model_role = "vision_language"
    metric_specs = {"accuracy": MetricSpec("accuracy", "mean", "correct", "mcnemar")}

    def skip_reason(self, task: TaskConfig, loaded) -> str | None:
        family = vi.family_of(loaded)
        if family == "dual_encoder":
            return f"{task.task} needs answers; a dual encoder only scores image–text similarity"
        if family == "classifier" and classifier.takes_image_pairs(loaded):
            return f"its head ({type(loaded.model).__name__}) takes image pairs; {task.task} has one image per question"
        return None

    def predict(self, task: TaskConfig, data: LanguageData, loaded, runner) -> Predictions:
        family = vi.family_of(loaded)
        desc = f"{task.task}/{data.lang}"
        if family == "classifier":
            texts = [vi.row_text(row, "question") for row in data.rows]
            located = vi.locate_examples(task, data, texts)
            answers, info = self._classify(task, data, loaded, runner, located, desc)
        else:
            prompt = vi.task_prompt(task, loaded)
            texts = [generative.render_prompt(loaded.processor, vi.fill_prompt(prompt["text"], row, str(task.source_file)), 1)
                     for row in data.rows]
            located = vi.locate_examples(task, data, texts)
            answers, info = self._generate(task, data, loaded, runner, located, desc)
            info["prompt"] = prompt["text"]
        failed = located.failed_rows()
        values = [None if i in failed else answers.get(i) for i in range(len(data.rows))]
        details = [{"missing_image": True} if i in failed else {} for i in range(len(data.rows))]
        metrics, missing_info = vi.missing_summary(task, data, located)
        return Predictions(values, details, metrics, {**info, **missing_info, "family": family})

    def _classify(self, task, data, loaded, runner, located, desc) -> tuple[dict[int, str], dict]:
        usable, names, vocabulary = head_answers(loaded, data)
        max_length = text_limit(loaded, task.max_length)
        logits, notes = classifier.classifier_logits(loaded, runner, located.examples, located.store, max_length,
                                                     False, desc) if located.examples else ([], [])
        vi.record_unreadable(task, data, located, notes)
        answers = {}
        for example, row_logits in zip(located.examples, logits):
            scores = np.asarray(row_logits, dtype=np.float64)[usable]
            answers[example.index] = names[usable[int(np.argmax(scores))]]
        return answers, {"max_length": max_length, **vocabulary}

    def _generate(self, task, data, loaded, runner, located, desc) -> tuple[dict[int, str], dict]:
        max_new_tokens = int(loaded.args.extra.get("max_new_tokens") or task.options.get("max_new_tokens", 10))
        if max_new_tokens < 1:
            raise HarnessError(f"--model_args max_new_tokens={max_new_tokens}: expected a positive integer")
        texts, notes = generative.generate_answers(loaded, runner, located.examples, located.store, max_new_tokens,
                                                   desc) if located.examples else ([], [])
        vi.record_unreadable(task, data, located, notes)
        answers = {e.index: first_answer_line(text) for e, text in zip(located.examples, texts)}
        return answers, {"max_new_tokens": max_new_tokens,
                         "chat_template": bool(getattr(loaded.processor, "chat_template", None))}

    def sample_rows(self, task: TaskConfig, data: LanguageData, predictions: Predictions) -> list[dict]:
        rows = []
        for row, pred in zip(data.rows, predictions.values):
            gold = str(row["label"])
            correct = pred is not None and normalize_answer(pred) == normalize_answer(gold)
            rows.append({"id": row["id"], "gold": gold, "prediction": pred, "stats": {"correct": int(correct)}})
        return rows

    def format_submission(self, data: LanguageData, predictions: Predictions) -> str:
        return "".join(f"{' '.join(str(answer or '').split())}\n" for answer in predictions.values)

    def read_submission(self, path: Path, task: TaskConfig, data: LanguageData) -> Predictions:
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(data.rows):
            raise HarnessError(f"{path}: {len(lines)} lines, expected {len(data.rows)} (one answer per question)")
        return Predictions([line.strip() or None for line in lines])
