"""Typed, frozen task and group configs, and the schema check that builds them.

Every problem is reported as one line naming the file, the key and what was expected.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from harness.errors import HarnessError

TASK_KEYS = {
    "task": "the task's name",
    "kind": "one of the task kinds implemented in code",
    "description": "free text",
    "languages": "a list of language codes",
    "split": "the evaluation split (test or dev)",
    "metrics": "a list of metric names",
    "main_metric": "a metric name, or a list of names averaged into the headline",
    "labels": "a list of label names",
    "label_aliases": "a mapping from label to other names checkpoints use for it",
    "max_length": "a positive integer (tokens)",
    "codes": "a mapping from two-letter language code to the source's own code",
    "data": "a mapping with hub / local / demo sources",
    "options": "a mapping of kind-specific settings",
    "tags": "a list of strings",
}
GROUP_KEYS = {
    "group": "the group's name",
    "description": "free text",
    "tasks": "a list of task names",
    "categories": "a mapping from category name to a list of task names",
    "exclude_languages": "a list of languages left out of the averages (reported beside them)",
    "gap_language": "the source language whose score minus the target mean is the transfer gap",
    "report_metrics": "a mapping from task to further metrics averaged and reported beside its headline",
}
HUB_KEYS = {"path", "config", "splits", "filter", "fields", "revision", "unusable", "images"}
LOCAL_KEYS = {"format", "layout", "files", "resources"}
DATA_KEYS = {"hub", "local", "demo"}


@dataclass(frozen=True)
class HubSource:
    path: str
    config: str | None
    splits: Mapping[str, str]
    filter: Mapping[str, str]
    # canonical name → the dataset's column; a list names alternatives, the first present wins
    # (mirrors rename columns between revisions, e.g. floschne/xvnli's "hypothsis")
    fields: Mapping[str, tuple[str, ...]]
    revision: str | None = None
    unusable: str | None = None  # why this hub copy cannot give the official number
    images: tuple[str, ...] = ()  # names (keys of fields) whose columns hold embedded images


@dataclass(frozen=True)
class LocalSource:
    format: str
    layout: str  # human description of the release layout, shown in error messages
    files: Mapping[str, str]  # format-specific file name templates (the first of each key's choices)
    # every template a key lists, tried in order (release archives and repository checkouts
    # lay the same files out differently)
    file_choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # optional side files found like the annotations (xGQA: GQA's answer vocabulary)
    resources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class DataConfig:
    hub: HubSource | None
    local: LocalSource | None
    demo: str | None  # folder name of the shipped demo sample set


@dataclass(frozen=True)
class TaskConfig:
    task: str
    kind: str
    languages: tuple[str, ...]
    metrics: tuple[str, ...]
    main_metric: tuple[str, ...]
    data: DataConfig
    source_file: Path
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    description: str = ""
    split: str = "test"
    labels: tuple[str, ...] | None = None
    label_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_length: int | None = None
    codes: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    def code(self, lang: str) -> str:
        """The data source's own code for a two-letter language code."""
        return self.codes.get(lang, lang)

    @property
    def config_hash(self) -> str:
        canonical = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class GroupConfig:
    group: str
    tasks: tuple[str, ...]
    source_file: Path
    description: str = ""
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_languages: tuple[str, ...] = ()
    gap_language: str | None = None
    report_metrics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _fail(path: Path, key: str, expected: str, got: Any, hint: str = "") -> HarnessError:
    shown = repr(got)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return HarnessError(f"{path}: key '{key}' must be {expected}, got {shown}{hint}")


def _closest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else ""


def _check_kind_and_metrics(path: Path, kind: str, metrics: tuple[str, ...]) -> None:
    # The registry is a table of names and "module:Class" strings: checking against it imports
    # no kind module, so `harness tasks` stays fast.
    from harness.kinds import kind_metric_names, kind_names

    kinds = kind_names()
    if kind not in kinds:
        raise _fail(path, "kind", f"one of the task kinds ({', '.join(kinds)})", kind, _closest(kind, kinds))
    known = kind_metric_names(kind)
    for metric in metrics:
        if metric not in known:
            raise _fail(path, "metrics", f"metrics of kind {kind!r} ({', '.join(known)})", metric,
                        _closest(metric, known))


def _check_reader(path: Path, local: "LocalSource | None") -> None:
    from harness.data.readers import reader_names

    if local is not None and local.format not in reader_names():
        names = reader_names()
        raise _fail(path, "data.local.format", f"one of the release-layout readers ({', '.join(names)})",
                    local.format, _closest(local.format, names))


def _str(path: Path, data: Mapping, key: str, required: bool = False, default: str | None = None):
    if key not in data:
        if required:
            raise HarnessError(f"{path}: missing required key '{key}' ({TASK_KEYS.get(key) or GROUP_KEYS.get(key, '')})")
        return default
    value = data[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise _fail(path, key, "a non-empty string", value)
    return value


def _str_list(path: Path, data: Mapping, key: str, required: bool = False) -> tuple[str, ...]:
    if key not in data:
        if required:
            raise HarnessError(f"{path}: missing required key '{key}'")
        return ()
    value = data[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _fail(path, key, "a non-empty list of strings", value)
    out = []
    for item in value:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise _fail(path, key, "a list of strings", value)
        out.append(item)
    return tuple(out)


def _str_map(path: Path, data: Mapping, key: str) -> dict[str, str]:
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _fail(path, key, "a mapping of strings", value)
    return {k: str(v) for k, v in value.items()}


def _choices_map(path: Path, data: Mapping, key: str, where: str) -> dict[str, tuple[str, ...]]:
    """A mapping whose values are a string or a non-empty list of alternative strings."""
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _fail(path, where + key, "a mapping of strings (or lists of alternatives)", value)
    out = {}
    for name, choice in value.items():
        choices = [choice] if isinstance(choice, (str, int, float)) and not isinstance(choice, bool) else choice
        if (not isinstance(choices, list) or not choices
                or not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) and str(c) for c in choices)):
            raise _fail(path, f"{where}{key}.{name}", "a string or a non-empty list of alternative strings", choice)
        out[name] = tuple(str(c) for c in choices)
    return out


def _check_keys(path: Path, data: Mapping, allowed, where: str) -> None:
    for key in data:
        if key not in allowed:
            raise HarnessError(
                f"{path}: unknown key '{where}{key}'; expected one of {', '.join(sorted(allowed))}"
            )


def _hub(path: Path, data: Any) -> HubSource | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _fail(path, "data.hub", "a mapping", data)
    _check_keys(path, data, HUB_KEYS, "data.hub.")
    hub_path = _str(path, data, "path", required=True)
    splits = _str_map(path, data, "splits")
    return HubSource(
        path=hub_path,
        config=_str(path, data, "config"),
        splits=splits,
        filter=_str_map(path, data, "filter"),
        fields=_choices_map(path, data, "fields", "data.hub."),
        revision=_str(path, data, "revision"),
        unusable=_str(path, data, "unusable"),
        images=_hub_images(path, data),
    )


def _hub_images(path: Path, data: Mapping) -> tuple[str, ...]:
    names = _str_list(path, data, "images")
    fields = data.get("fields") or {}
    for name in names:
        if name not in fields:
            raise _fail(path, "data.hub.images", f"names among data.hub.fields ({', '.join(fields)})", name)
    return names


def _local(path: Path, data: Any) -> LocalSource | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise _fail(path, "data.local", "a mapping", data)
    _check_keys(path, data, LOCAL_KEYS, "data.local.")
    files = _choices_map(path, data, "files", "data.local.")
    return LocalSource(
        format=_str(path, data, "format", required=True),
        layout=_str(path, data, "layout", default=""),
        files={key: choices[0] for key, choices in files.items()},
        file_choices=files,
        resources=_choices_map(path, data, "resources", "data.local."),
    )


def task_from_dict(path: Path, data: dict) -> TaskConfig:
    _check_keys(path, data, TASK_KEYS, "")
    name = _str(path, data, "task", required=True)
    kind = _str(path, data, "kind", required=True)
    languages = _str_list(path, data, "languages", required=True)
    metrics = _str_list(path, data, "metrics", required=True)
    _check_kind_and_metrics(path, kind, metrics)
    main_metric = _str_list(path, data, "main_metric") or (metrics[0],)
    for metric in main_metric:
        if metric not in metrics:
            raise _fail(path, "main_metric", f"among metrics {list(metrics)}", metric)
    split = _str(path, data, "split", default="test")
    if split not in ("test", "dev"):
        raise _fail(path, "split", "'test' or 'dev'", split)
    raw_data = data.get("data")
    if not isinstance(raw_data, dict):
        raise _fail(path, "data", "a mapping with hub / local / demo sources", raw_data)
    _check_keys(path, raw_data, DATA_KEYS, "data.")
    data_config = DataConfig(
        hub=_hub(path, raw_data.get("hub")),
        local=_local(path, raw_data.get("local")),
        demo=_str(path, raw_data, "demo"),
    )
    _check_reader(path, data_config.local)
    if not (data_config.hub or data_config.local or data_config.demo):
        raise HarnessError(f"{path}: key 'data' names no source; expected at least one of hub, local, demo")
    max_length = data.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1):
        raise _fail(path, "max_length", "a positive integer", max_length)
    aliases_raw = data.get("label_aliases", {}) or {}
    if not isinstance(aliases_raw, dict):
        raise _fail(path, "label_aliases", "a mapping from label to a list of names", aliases_raw)
    labels = _str_list(path, data, "labels") or None
    aliases = {}
    for label, names in aliases_raw.items():
        label = str(label)
        if labels is None or label not in labels:
            raise _fail(path, f"label_aliases.{label}", f"one of the labels {list(labels or [])}", label)
        aliases[label] = _str_list(path, {"names": names}, "names")
    options = data.get("options", {}) or {}
    if not isinstance(options, dict):
        raise _fail(path, "options", "a mapping", options)
    codes = _str_map(path, data, "codes")
    for lang in codes:
        if lang not in languages:
            raise _fail(path, f"codes.{lang}", f"a language of the task ({', '.join(languages)})", lang)
    return TaskConfig(
        task=name,
        kind=kind,
        languages=languages,
        metrics=metrics,
        main_metric=main_metric,
        data=data_config,
        source_file=path,
        raw=data,
        description=_str(path, data, "description", default="") or "",
        split=split,
        labels=labels,
        label_aliases=aliases,
        max_length=max_length,
        codes=codes,
        options=options,
        tags=_str_list(path, data, "tags"),
    )


def group_from_dict(path: Path, data: dict) -> GroupConfig:
    _check_keys(path, data, GROUP_KEYS, "")
    name = _str(path, data, "group", required=True)
    tasks = _str_list(path, data, "tasks", required=True)
    raw_categories = data.get("categories", {}) or {}
    if not isinstance(raw_categories, dict):
        raise _fail(path, "categories", "a mapping from category to a list of tasks", raw_categories)
    categories = {}
    for category, members in raw_categories.items():
        members = _str_list(path, {"tasks": members}, "tasks")
        for member in members:
            if member not in tasks:
                raise _fail(path, f"categories.{category}", f"tasks of the group ({', '.join(tasks)})", member)
        categories[str(category)] = members
    return GroupConfig(
        group=name,
        tasks=tasks,
        source_file=path,
        description=_str(path, data, "description", default="") or "",
        categories=categories,
        exclude_languages=_str_list(path, data, "exclude_languages"),
        gap_language=_str(path, data, "gap_language"),
        report_metrics=_report_metrics(path, data, tasks),
    )


def _report_metrics(path: Path, data: Mapping, tasks: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    raw = data.get("report_metrics", {}) or {}
    if not isinstance(raw, dict):
        raise _fail(path, "report_metrics", "a mapping from task to a list of metric names", raw)
    out = {}
    for task, metrics in raw.items():
        if task not in tasks:
            raise _fail(path, f"report_metrics.{task}", f"a task of the group ({', '.join(tasks)})", task)
        out[str(task)] = _str_list(path, {"metrics": metrics}, "metrics")
    return out
