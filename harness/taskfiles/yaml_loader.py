"""Read task YAML with ``include:`` resolution.

Only PyYAML's safe loader is used (its C build, libyaml, where installed: several times faster
on the task folder, which every command reads), so a task file is data: nothing in it can run
code. ``include`` names one file or a list of files, relative to the including file; the
including file's keys win, merged recursively for mappings (so a task can override one field of
an included ``data.hub`` block) and replaced wholesale for lists and scalars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import HarnessError

MAX_INCLUDE_DEPTH = 8
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml_mapping(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise HarnessError(f"{path}: cannot read ({err.strerror})") from None
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise HarnessError(f"{path}: broken YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise HarnessError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def load_with_includes(path: Path, _depth: int = 0, _stack: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in _stack:
        chain = " -> ".join(p.name for p in (*_stack, path))
        raise HarnessError(f"{path}: include cycle ({chain})")
    if _depth > MAX_INCLUDE_DEPTH:
        raise HarnessError(f"{path}: includes nested deeper than {MAX_INCLUDE_DEPTH}")
    data = read_yaml_mapping(path)
    includes = data.pop("include", None)
    if includes is None:
        return data
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise HarnessError(f"{path}: key 'include' must be a file name or a list of file names")
    merged: dict[str, Any] = {}
    for name in includes:
        target = (path.parent / name)
        if not target.is_file():
            raise HarnessError(f"{path}: key 'include' names {name!r}, which does not exist next to it")
        merged = deep_merge(merged, load_with_includes(target, _depth + 1, (*_stack, path)))
    return deep_merge(merged, data)
