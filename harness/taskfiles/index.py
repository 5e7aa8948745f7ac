"""Find task and group files, resolve names given on the command line.

Built-in tasks live in the top-level ``tasks/`` folder of the repository; a wheel carries the same
folder as ``harness/_tasks``. ``--include_path DIR`` adds user folders, whose tasks override
built-in ones of the same name (with a warning), as in lm-evaluation-harness.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from harness.errors import HarnessError
from harness.taskfiles.schema import GroupConfig, TaskConfig, group_from_dict, task_from_dict
from harness.taskfiles.yaml_loader import load_with_includes, read_yaml_mapping

log = logging.getLogger(__name__)


def builtin_task_dir() -> Path:
    package_dir = Path(__file__).resolve().parent.parent
    shipped = package_dir / "_tasks"
    if shipped.is_dir():
        return shipped
    checkout = package_dir.parent / "tasks"
    if checkout.is_dir():
        return checkout
    raise HarnessError(f"no task folder found: looked for {shipped} and {checkout}")


def suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


@dataclass
class TaskIndex:
    tasks: dict[str, TaskConfig] = field(default_factory=dict)
    groups: dict[str, GroupConfig] = field(default_factory=dict)

    @classmethod
    def load(cls, include_paths: Sequence[str | Path] = ()) -> "TaskIndex":
        index = cls()
        index._add_folder(builtin_task_dir(), user=False)
        for folder in include_paths:
            folder = Path(folder)
            if not folder.is_dir():
                raise HarnessError(f"--include_path {folder}: not a folder")
            index._add_folder(folder, user=True)
        index._check_groups()
        return index

    def _add_folder(self, folder: Path, user: bool) -> None:
        for path in sorted(folder.rglob("*.yaml")):
            head = read_yaml_mapping(path)
            if "task" not in head and "group" not in head:
                continue  # a fragment, used only through include:
            data = load_with_includes(path)
            if "group" in data and "task" not in data:
                group = group_from_dict(path, data)
                self._register(self.groups, group.group, group, path, user)
            else:
                task = task_from_dict(path, data)
                self._register(self.tasks, task.task, task, path, user)

    @staticmethod
    def _register(table: dict, name: str, config, path: Path, user: bool) -> None:
        previous = table.get(name)
        if previous is not None:
            if not user:
                raise HarnessError(f"{path}: name {name!r} is already defined in {previous.source_file}")
            log.warning("task %r from %s overrides the one in %s", name, path, previous.source_file)
        table[name] = config

    def _check_groups(self) -> None:
        for group in self.groups.values():
            for member in group.tasks:
                if member not in self.tasks and member not in self.groups:
                    raise HarnessError(
                        f"{group.source_file}: key 'tasks' names unknown task {member!r}{suggest(member, self.tasks)}"
                    )

    def expand(self, names: Sequence[str]) -> list[TaskConfig]:
        """Task and group names → task configs, in the order given, each once."""
        out: dict[str, TaskConfig] = {}

        def visit(name: str, seen: tuple[str, ...]) -> None:
            if name in self.tasks:
                out.setdefault(name, self.tasks[name])
            elif name in self.groups:
                if name in seen:
                    raise HarnessError(f"group {name!r} includes itself")
                for member in self.groups[name].tasks:
                    visit(member, (*seen, name))
            else:
                known = [*self.tasks, *self.groups]
                raise HarnessError(f"--tasks: unknown task or group {name!r}{suggest(name, known)}")

        for name in names:
            visit(name, ())
        return list(out.values())

    def groups_covering(self, task_names: Iterable[str]) -> list[GroupConfig]:
        names = set(task_names)
        return [g for g in self.groups.values() if names & set(g.tasks)]

    def known_languages(self) -> set[str]:
        return {lang for task in self.tasks.values() for lang in task.languages}


def parse_name_list(value: str, flag: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise HarnessError(f"{flag}: expected a comma-separated list, got {value!r}")
    return names
