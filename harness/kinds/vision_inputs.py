"""What the IGLUE kinds share: locating images (and counting the missing), the family checks,
MaRVL's two images, and the generative models' prompts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from harness.data.images import TaskStopped
from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.evaluator.image_inputs import ImageExample
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)

TWO_IMAGE_MODES = ("separate", "concat")
LISTED_MISSING = 50  # ids of examples with missing images kept in the results' unit info


@dataclass
class LocatedExamples:
    """The examples whose images were found (``examples``, in row order) and the rows whose were not."""

    examples: list[ImageExample]
    missing_rows: list[int]
    store: Any
    unreadable_rows: list[int] = field(default_factory=list)

    def failed_rows(self) -> set[int]:
        return set(self.missing_rows) | set(self.unreadable_rows)


def row_text(row: Mapping, name: str) -> str:
    value = row.get(name, "")
    if isinstance(value, (list, tuple)):  # a hub mirror may keep xFlickr&CO's one-caption list
        value = value[0] if value else ""
    return str(value)


def locate_examples(task: TaskConfig, data: LanguageData, texts: Sequence[str]) -> LocatedExamples:
    store = data.images
    if store is None:
        raise HarnessError(f"{task.task}: the rows of {data.source} carry no images")
    examples, missing, unreadable = [], [], []
    for index, (row, text) in enumerate(zip(data.rows, texts)):
        payloads = store.locate(row)
        if payloads is None:
            missing.append(index)
        elif not all(store.readable(payload) for payload in payloads):
            # Found but not an image PIL recognises (an empty download, a saved error page): known
            # before any model runs, so the missing-image limit can stop the task for free.
            unreadable.append(index)
        else:
            examples.append(ImageExample(index, tuple(payloads), text))
    located = LocatedExamples(examples, missing, store, unreadable)
    check_missing(task, data, located)
    return located


def record_unreadable(task: TaskConfig, data: LanguageData, located: LocatedExamples, notes: Sequence[dict]) -> None:
    """Add the examples whose images passed the header check but failed to decode in the workers."""
    failed = [e.index for e, note in zip(located.examples, notes) if note.get("unreadable")]
    located.unreadable_rows = sorted(set(located.unreadable_rows) | set(failed))
    check_missing(task, data, located)


def check_missing(task: TaskConfig, data: LanguageData, located: LocatedExamples) -> None:
    failed = sorted(located.failed_rows())
    if not failed:
        return
    total = len(data.rows)
    share = 100.0 * len(failed) / max(1, total)
    if share > located.store.max_missing_percent:
        names = ", ".join(list(dict.fromkeys(" + ".join(map(str, data.rows[i]["images"])) for i in failed))[:3])
        raise TaskStopped(
            f"{task.task}/{data.lang}: {len(failed)} of {total} examples ({share:.1f}%) have missing or unreadable "
            f"images, above the {located.store.max_missing_percent:g}% limit (--max_missing_images); looked "
            f"{located.store.where} for e.g. {names}")


def missing_summary(task: TaskConfig, data: LanguageData, located: LocatedExamples) -> tuple[dict, dict]:
    """(metrics, info) entries: the count in results, the ids (first 50) in the unit's info and log."""
    failed = sorted(located.failed_rows())
    info = {"image_source": located.store.where}
    if failed:
        ids = [str(data.rows[i].get("id", i)) for i in failed]
        info["missing_images"] = ids[:LISTED_MISSING]
        log.warning("%s/%s: %d examples with missing or unreadable images, scored as wrong: %s", task.task, data.lang,
                    len(ids), ", ".join(ids[:LISTED_MISSING]) + (" …" if len(ids) > LISTED_MISSING else ""))
    return {"n_missing_images": len(failed)}, info


def family_of(loaded) -> str:
    family = getattr(loaded, "family", None)
    if not family:
        raise HarnessError(f"--model {loaded.checkpoint}: not loaded as a vision-language model")
    return family


def two_images_mode(loaded, default: str) -> str:
    given = loaded.args.extra.get("two_images")
    if given is None:
        return default
    if str(given) not in TWO_IMAGE_MODES:
        raise HarnessError(f"--model_args two_images={given}: expected one of {', '.join(TWO_IMAGE_MODES)}")
    return str(given)


def images_per_example(task: TaskConfig) -> int:
    return int(task.options.get("images_per_example", 1))


def task_prompt(task: TaskConfig, loaded) -> dict:
    """The task YAML's ``options.prompt``, with a per-model override from ``--model_args
    prompts=FILE`` (a YAML mapping from task name to the same keys) merged over it."""
    prompt = dict(task.options.get("prompt") or {})
    path = loaded.args.extra.get("prompts")
    if path:
        override = _read_prompts(Path(str(path))).get(task.task)
        if override is not None:
            if not isinstance(override, dict):
                raise HarnessError(f"{path}: key '{task.task}' must be a mapping with text / choices")
            prompt.update(override)
    if not isinstance(prompt.get("text"), str) or not prompt["text"]:
        raise HarnessError(f"{task.source_file}: key 'options.prompt.text' must be a prompt template for generative models")
    return prompt


def _read_prompts(path: Path) -> dict:
    from harness.taskfiles.yaml_loader import read_yaml_mapping

    if not path.is_file():
        raise HarnessError(f"--model_args prompts={path}: file not found")
    return read_yaml_mapping(path)


def fill_prompt(template: str, row: Mapping, where: str) -> str:
    fields = {key: row_text(row, key) for key in row if key not in ("images", "image_hints", "label")}
    try:
        return template.format_map(fields)
    except (KeyError, IndexError, ValueError) as err:
        raise HarnessError(f"{where}: prompt template {template[:40]!r}… names {err} which the rows lack "
                           f"(they have {', '.join(sorted(fields))})") from None


def choice_words(prompt: Mapping, labels: Sequence[str], where: str) -> list[str]:
    choices = prompt.get("choices")
    if not isinstance(choices, dict):
        raise HarnessError(f"{where}: key 'options.prompt.choices' must map each label to its verbalisation")
    missing = [label for label in labels if label not in choices]
    if missing:
        raise HarnessError(f"{where}: options.prompt.choices has no verbalisation for {', '.join(missing)}")
    return [str(choices[label]) for label in labels]
