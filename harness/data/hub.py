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
from harness.errors import HarnessError
from harness.taskfiles.schema import HubSource, TaskConfig

log = logging.getLogger(__name__)


def is_hub_mirror(folder: Path) -> bool:
    readme = folder / "README.md"
    if readme.is_file() and "configs:" in readme.read_text(encoding="utf-8", errors="replace"):
        return True
    return next(folder.rglob("*.parquet"), None) is not None


_FAILED: dict[tuple, BaseException] = {}


@functools.lru_cache(maxsize=4)
def _load_split_cached(path: str, config: str | None, split: str, revision: str | None):
    import datasets

    datasets.disable_progress_bars()
    return datasets.load_dataset(path, config, split=split, revision=revision)


def _load_split(path: str, config: str | None, split: str, revision: str | None):
    # A failed load (hub unreachable) is remembered, so the next language of the same config
    # does not wait out the network retries again.
    key = (path, config, split, revision)
    if key in _FAILED:
        raise _FAILED[key]
    try:
        return _load_split_cached(path, config, split, revision)
    except Exception as err:
        _FAILED[key] = err
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
        if mirror:
            raise HarnessError(
                f"{task.task}: cannot read config {config!r} split {hub_split!r} from the mirror {mirror}: {_first_line(err)}"
            ) from None
        raise HarnessError(
            f"{task.task}: cannot load hub dataset {hub.path} (config {config}, split {hub_split}): "
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
