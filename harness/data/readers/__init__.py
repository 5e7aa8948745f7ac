"""Readers for the original release layouts, one per format named in task files (data.local.format).

A reader takes (folder, task config, language, split) and returns canonical rows: a list of dicts
for example-per-row tasks, or the structure the task kind documents.
"""

from __future__ import annotations

from typing import Callable

from harness.errors import HarnessError

Reader = Callable[..., object]
_READERS: dict[str, str] = {
    "xnli_tsv": "harness.data.readers.xnli:read_xnli_tsv",
    "pawsx_tsv": "harness.data.readers.pawsx:read_pawsx_tsv",
    "tatoeba_txt": "harness.data.readers.tatoeba:read_tatoeba_txt",
    "bucc_txt": "harness.data.readers.bucc:read_bucc_txt",
    "xvnli_jsonl": "harness.data.readers.iglue:read_xvnli_jsonl",
    "xgqa_json": "harness.data.readers.iglue:read_xgqa_json",
    "marvl_jsonl": "harness.data.readers.iglue:read_marvl_jsonl",
    "xflickrco_jsonl": "harness.data.readers.iglue:read_xflickrco_jsonl",
    "wit_jsonl": "harness.data.readers.iglue:read_wit_jsonl",
    "panx_tsv": "harness.data.readers.panx:read_panx_tsv",
    "ud_conllu": "harness.data.readers.conllu:read_ud_conllu",
    "squad_json": "harness.data.readers.squad:read_squad_json",
    "tydiqa_goldp_json": "harness.data.readers.squad:read_tydiqa_goldp",
}


def register_reader(name: str, target: str) -> None:
    _READERS[name] = target


def reader_names() -> list[str]:
    return sorted(_READERS)


def get_reader(name: str, where: str) -> Reader:
    import importlib

    target = _READERS.get(name)
    if target is None:
        raise HarnessError(f"{where}: key 'data.local.format' is {name!r}; expected one of {', '.join(sorted(_READERS))}")
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)
