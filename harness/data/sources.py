"""Choose and open a task's data source: ``--data_dir`` (release layout or hub mirror), demo, or hub."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from harness.data.hub import is_hub_mirror, load_hub_rows
from harness.data.readers import get_reader
from harness.data.records import LanguageData
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)
DEMO_DATA_DIR = Path(__file__).resolve().parent.parent / "demo" / "data"
DEMO = "demo"


def demo_manifest() -> dict[str, list[str]]:
    return json.loads((DEMO_DATA_DIR / "manifest.json").read_text(encoding="utf-8"))


@dataclass
class TaskSource:
    task: TaskConfig
    mode: str  # "local", "mirror", "demo" or "hub"
    folder: Path | None = None
    image_dir: Path | None = None  # --image_dir, for tasks whose rows name image files
    max_missing_images: float = 1.0  # percent of a language's examples

    def describe(self) -> str:
        if self.mode == "hub":
            hub = self.task.data.hub
            return f"hub:{hub.path}" + (f"@{hub.revision}" if hub.revision else "")
        return f"{self.mode}:{self.folder}"

    def available_languages(self) -> set[str] | None:
        """Languages this source holds, where it can tell cheaply; None means 'ask for any'.

        A local language with a file of its own in the task file (MaRVL's English: NLVR2's test
        set, another dataset) is left out, with a warning, when that file is not there; every
        other missing file stays an error when the language is read."""
        if self.mode == "demo":
            return set(demo_manifest().get(self.task.data.demo, []))
        if self.mode == "local" and self.task.data.local is not None:
            from harness.data.readers.common import fill, locate_file

            choices = self.task.data.local.file_choices
            available = set(self.task.languages)
            for lang in self.task.languages:
                templates = choices.get(f"{self.task.split}_{lang}")
                if templates and locate_file(self.folder, templates, lang, self.task.code(lang)) is None:
                    names = " or ".join(fill(t, lang, self.task.code(lang)) for t in templates)
                    log.warning("%s/%s: skipped: no %s under %s", self.task.task, lang, names, self.folder)
                    available.discard(lang)
            return available
        return None

    def resources(self, lang: str) -> dict[str, Path]:
        """The task's optional side files (data.local.resources) found under a local folder."""
        local = self.task.data.local
        if self.mode not in ("local", "demo") or local is None or not local.resources:
            return {}
        from harness.data.readers.common import locate_file

        found = {name: locate_file(self.folder, templates, lang, self.task.code(lang))
                 for name, templates in local.resources.items()}
        return {name: path for name, path in found.items() if path is not None}

    def load(self, lang: str, split: str | None = None) -> Any:
        split = split or self.task.split
        if self.mode in ("hub", "mirror"):
            return load_hub_rows(self.task, lang, split, mirror=self.folder if self.mode == "mirror" else None)
        reader = get_reader(self.task.data.local.format, str(self.task.source_file))
        return reader(self.folder, self.task, lang, split)

    def language_data(self, lang: str, extra_splits: tuple[str, ...] = (), limit: int | None = None) -> LanguageData:
        from harness.kinds import get_kind

        kind = get_kind(self.task.kind)
        rows = kind.limit_rows(self.load(lang), limit)
        extra = {split: kind.limit_rows(self.load(lang, split), limit) for split in extra_splits}
        rows, images = self._images(rows)
        return LanguageData(self.task.task, lang, self.task.split, rows, self.describe(), extra, images,
                            self.resources(lang))

    def _images(self, rows: Any) -> tuple[Any, Any]:
        """The image store of a multimodal task (None for text-only tasks)."""
        from harness.data import images

        hub = self.task.data.hub
        if self.mode in ("hub", "mirror") and hub is not None and hub.images:
            if self.image_dir is not None:
                log.warning("%s: --image_dir ignored: %s embeds its images", self.task.task, self.describe())
            return images.detach_images(rows, hub.images, f"embedded in {self.describe()}", self.max_missing_images)
        if not (isinstance(rows, list) and rows and isinstance(rows[0], dict) and "images" in rows[0]):
            return rows, None
        folder = self.image_dir
        if folder is None and self.mode == "demo":
            from harness.demo.vl_checkpoints import ensure_demo_images

            folder = ensure_demo_images() / self.task.data.demo
        if folder is None:
            layout = self.task.data.local.layout if self.task.data.local else ""
            return rows, images.NoImageFolder(self.task.task, layout)
        return rows, images.FolderImages(folder, self.max_missing_images)


def resolve_source(task: TaskConfig, data_dirs: Mapping[str, str], demo: bool = False) -> TaskSource:
    given = data_dirs.get(task.task)
    if given == DEMO or (given is None and demo):
        if not task.data.demo:
            raise HarnessError(f"{task.task}: no demo data ships with this task")
        local = task.data.local
        if local is None:
            raise HarnessError(f"{task.source_file}: demo data needs a data.local reader")
        return TaskSource(task, "demo", DEMO_DATA_DIR / task.data.demo)
    if given is not None:
        folder = Path(given).expanduser()
        if not folder.is_dir():
            raise HarnessError(f"--data_dir {task.task}={given}: not a folder")
        if is_hub_mirror(folder):
            if task.data.hub is None:
                raise HarnessError(f"--data_dir {task.task}={given}: a parquet mirror, but the task names no hub dataset")
            _refuse_unusable(task, given)
            return TaskSource(task, "mirror", folder)
        if task.data.local is None:
            raise HarnessError(f"--data_dir {task.task}={given}: this task has no reader for a release layout")
        return TaskSource(task, "local", folder)
    if task.data.hub is None:
        layout = task.data.local.layout if task.data.local else ""
        raise HarnessError(f"{task.task}: no hub source; pass --data_dir {task.task}=DIR ({layout})")
    _refuse_unusable(task, None)
    return TaskSource(task, "hub")


def with_images(source: TaskSource, image_dirs: Mapping[str, str] | None,
                max_missing_images: float = 1.0) -> TaskSource:
    """The source, told where its task's images are (--image_dir) and how many may be missing."""
    image_dir = (image_dirs or {}).get(source.task.task)
    if image_dir is not None:
        folder = Path(image_dir).expanduser()
        if not folder.is_dir():
            raise HarnessError(f"--image_dir {source.task.task}={image_dir}: not a folder")
        source.image_dir = folder
    source.max_missing_images = max_missing_images
    return source


def _refuse_unusable(task: TaskConfig, given: str | None) -> None:
    if task.data.hub and task.data.hub.unusable:
        layout = task.data.local.layout if task.data.local else ""
        what = f"the mirror {given}" if given else f"hub dataset {task.data.hub.path}"
        raise HarnessError(
            f"{task.task}: {what} cannot be used: {task.data.hub.unusable}; "
            f"pass --data_dir {task.task}=DIR ({layout})"
        )


def parse_data_dirs(values: list[str] | None, known_tasks, flag: str = "--data_dir",
                    example: str = "TASK=DIR (or TASK=demo)") -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        task, sep, folder = value.partition("=")
        if not sep or not task or not folder:
            raise HarnessError(f"{flag} {value!r}: expected {example}")
        if task not in known_tasks:
            from harness.taskfiles.index import suggest

            raise HarnessError(f"{flag} {value!r}: unknown task {task!r}{suggest(task, known_tasks)}")
        out[task] = folder
    return out
