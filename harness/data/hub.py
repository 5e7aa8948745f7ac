"""Rows from a Hugging Face dataset: the hub itself, or a local parquet mirror of it.

A mirror is a folder with the hub's parquet layout and a README ``configs:`` header, which
``datasets.load_dataset(folder, config)`` reads exactly like the hub; tests use such mirrors.

Values come back as plain rows: ClassLabel ids (also inside sequences, e.g. PAN-X's ``ner_tags``)
become their names, and a sequence of records that ``datasets`` stores column-wise (SQuAD's
``answers: {text: [...], answer_start: [...]}``) becomes a list of records. A filter value ending
in ``*`` matches by prefix (TyDiQA's language is the prefix of its ids).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Mapping, Sequence

from harness.data.readers.common import fill
from harness.errors import HarnessError, TaskStopped
from harness.taskfiles.schema import HubSource, TaskConfig

log = logging.getLogger(__name__)


def is_hub_mirror(folder: Path) -> bool:
    """A README whose YAML header declares ``configs:``, or config folders right below ``folder``
    holding parquet files (``CONFIG/*.parquet``). Nothing deeper is looked at: a parquet file
    somewhere inside an unrelated folder (``--data_dir xnli=/tmp``) does not make it a mirror."""
    if _readme_declares_configs(folder / "README.md"):
        return True
    return any(next(config.glob("*.parquet"), None) is not None for config in _subfolders(folder))


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def _readme_declares_configs(readme: Path) -> bool:
    """The dataset card's YAML header (between the leading ``---`` lines) has a top-level ``configs:``."""
    if not readme.is_file():
        return False
    lines = readme.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines or lines[0].strip() != "---":
        return False
    for line in lines[1:]:
        if line.strip() == "---":
            return False
        if line.startswith("configs:"):
            return True
    return False


_FAILED: dict[tuple, BaseException] = {}
# Failure types that concern the whole dataset rather than one config (the hub cannot be
# reached, the dataset does not exist): matched by class name along the exception's MRO, as
# datasets, huggingface_hub, requests and httpx each have their own.
_DATASET_LEVEL = {"ConnectionError", "TimeoutError", "OfflineModeIsEnabled", "DatasetNotFoundError",
                  "RepositoryNotFoundError", "GatedRepoError", "ConnectError", "ConnectTimeout", "ReadTimeout",
                  "Timeout", "ProxyError", "SSLError"}


def dataset_level_failure(err: BaseException) -> bool:
    """Whether a failed load would fail the same way for every config of the dataset."""
    return any(cls.__name__ in _DATASET_LEVEL for cls in type(err).__mro__)


@functools.lru_cache(maxsize=4)
def _load_split_cached(path: str, config: str | None, split: str, revision: str | None):
    import datasets

    datasets.disable_progress_bars()
    return datasets.load_dataset(path, config, split=split, revision=revision)


def _load_split(path: str, config: str | None, split: str, revision: str | None):
    # A failed load is remembered, so the next language does not wait out the network retries
    # again: per config for a config's own problem, per dataset when the hub is unreachable or
    # the dataset absent (PAWS-X has one config per language: a timeout was waited out 7 times).
    for key in ((path, revision), (path, config, split, revision)):
        if key in _FAILED:
            raise _FAILED[key]
    try:
        return _load_split_cached(path, config, split, revision)
    except Exception as err:
        _FAILED[(path, revision) if dataset_level_failure(err) else (path, config, split, revision)] = err
        raise


def _records(value):
    """A column-wise sequence of records ({"text": [...], "answer_start": [...]}) as a list of records."""
    if isinstance(value, dict) and value and all(isinstance(v, list) for v in value.values()):
        if len({len(v) for v in value.values()}) == 1:
            keys = list(value)
            return [dict(zip(keys, items)) for items in zip(*(value[k] for k in keys))]
    return value


def _converter(feature):
    """How to turn one stored value of ``feature`` into a plain value (None: keep it as it is)."""
    from datasets import ClassLabel

    if isinstance(feature, ClassLabel):
        names = feature.names
        return lambda value: names[value] if isinstance(value, int) else value
    inner = getattr(feature, "feature", None)
    if inner is not None:
        convert = _converter(inner)
        if convert is None:
            return None
        return lambda value: [convert(item) for item in value] if isinstance(value, list) else value
    if isinstance(feature, dict):
        return _records
    return None


def _matches(value, wanted: str) -> bool:
    if wanted.endswith("*"):
        return isinstance(value, str) and value.startswith(wanted[:-1])
    return value == wanted


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:200]


def _undecoded_images(dataset, columns):
    """Image columns as their stored bytes: decoding happens later, in DataLoader workers."""
    import datasets

    for col in columns:
        if isinstance(dataset.features.get(col), datasets.Image):
            dataset = dataset.cast_column(col, datasets.Image(decode=False))
    return dataset


def resolve_columns(fields: Mapping[str, Sequence[str]], columns: Sequence[str]) -> dict[str, str | None]:
    """Each field's column: the first of its alternatives the dataset has (None: none of them)."""
    present = set(columns)
    return {name: next((col for col in choices if col in present), None) for name, choices in fields.items()}


def load_hub_rows(task: TaskConfig, lang: str, split: str, mirror: Path | None = None) -> list[dict]:
    hub: HubSource = task.data.hub
    code = task.code(lang)
    config = fill(hub.config, lang, code) if hub.config else None
    hub_split = fill(hub.splits.get(split, split), lang, code)  # IGLUE mirrors: one split per language
    where = str(mirror) if mirror else hub.path
    try:
        dataset = _load_split(where, config, hub_split, None if mirror else hub.revision)
    except Exception as err:  # datasets raises many types for one cause: unreachable or absent
        layout = task.data.local.layout if task.data.local else "a parquet mirror of the hub dataset"
        # Unreachable or absent concerns every language: the task stops with one message.
        whole = dataset_level_failure(err)
        error = TaskStopped if whole else HarnessError
        if mirror:
            what = "" if whole else f" config {config!r} split {hub_split!r}"
            raise error(f"{task.task}: cannot read{what} from the mirror {mirror}: {_first_line(err)}") from None
        what = "" if whole else f" (config {config}, split {hub_split})"
        raise error(
            f"{task.task}: cannot load hub dataset {hub.path}{what}: "
            f"{_first_line(err)}; pass a local copy with --data_dir {task.task}=DIR ({layout})"
        ) from None
    fields = resolve_columns(hub.fields, dataset.column_names)
    missing = [" or ".join(hub.fields[name]) for name, col in fields.items() if col is None]
    missing += [col for col in hub.filter if col not in dataset.column_names]
    if missing:
        raise HarnessError(
            f"{task.task}: dataset {where} (config {config}) lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(dataset.column_names)}"
        )
    if hub.filter:
        wanted = {col: fill(value, lang, code) for col, value in hub.filter.items()}
        columns = {col: dataset[col] for col in wanted}
        keep = [i for i in range(len(dataset)) if all(_matches(columns[c][i], v) for c, v in wanted.items())]
        dataset = dataset.select(keep)
    dataset = _undecoded_images(dataset, [fields[name] for name in hub.images])
    rows = []
    columns = {name: dataset[col] for name, col in fields.items()}
    converters = {name: _converter(dataset.features.get(col)) for name, col in fields.items()}
    for i in range(len(dataset)):
        row = {"id": str(i)}
        for name, values in columns.items():
            value = values[i]
            if converters[name] is not None:
                value = converters[name](value)
            # The hub's Tatoeba rows keep the line's newline; the release files do not.
            row[name] = value.rstrip("\r\n") if isinstance(value, str) else value
        rows.append(row)
    return rows
