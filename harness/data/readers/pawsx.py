"""PAWS-X x-final: ``{lang}/test_2k.tsv`` and ``{lang}/dev_2k.tsv`` (id, sentence1, sentence2, label).

Read as XTREME's ``utils_preprocess.py`` (``pawsx_preprocess``) reads them: every line after the
header is one example — none is dropped, so the rows stay aligned with XTREME's prediction files —
its fields taken by position after stripping the line, each sentence stripped. A line with fewer
fields than the header makes XTREME's preprocessing fail (IndexError); here it is named as an
error. A line with more fields (a stray tab) is kept with its fields taken by position, as XTREME
does, and counted in a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

from harness.data.readers.common import fill, find_file, read_tsv_rows, require_columns, split_template
from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig

log = logging.getLogger(__name__)


def read_pawsx_tsv(folder: Path, task: TaskConfig, lang: str, split: str) -> list[dict]:
    path = find_file(folder, fill(split_template(task, split), lang, task.code(lang)), task.task)
    rows = read_tsv_rows(path)
    header = [name.strip() for name in next(rows, None) or []]
    require_columns(path, header, ["sentence1", "sentence2", "label"])
    col = {name: i for i, name in enumerate(header)}
    out, blank, long_lines = [], [], []
    for lineno, row in enumerate(rows, 2):
        fields = "\t".join(row).strip().split("\t")  # XTREME: line.strip().split('\t')
        if fields == [""]:
            blank.append(lineno)
            continue
        if len(fields) < len(header):
            raise HarnessError(
                f"{path}:{lineno}: expected {len(header)} tab-separated fields ({', '.join(header)}), got "
                f"{len(fields)}; XTREME's pawsx_preprocess cannot read this line either"
            )
        if len(fields) > len(header):
            long_lines.append(lineno)
        out.append({
            "id": str(len(out)),
            "sentence1": fields[col["sentence1"]].strip(),
            "sentence2": fields[col["sentence2"]].strip(),
            "label": fields[col["label"]].strip(),
        })
    if long_lines:
        log.warning("%s: %d line(s) have more than %d tab-separated fields (lines %s); kept with the fields taken "
                    "by position, as XTREME's pawsx_preprocess does", path, len(long_lines), len(header),
                    _some(long_lines))
    if blank:
        log.warning("%s: %d blank line(s) skipped (lines %s)", path, len(blank), _some(blank))
    return out


def _some(linenos: list[int], shown: int = 10) -> str:
    text = ", ".join(map(str, linenos[:shown]))
    return text + (f", … ({len(linenos) - shown} more)" if len(linenos) > shown else "")
