"""Run folders built by hand (results.json + samples/), for tests that need exact, stable inputs."""

from __future__ import annotations

import json
from pathlib import Path

XNLI_LANGS = ["ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"]


def make_run(folder: Path, name: str, correct: dict[str, list[int]], task: str = "xnli",
             official=XNLI_LANGS, date: str = "2026-01-02T03:04:05+00:00") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    results, languages = {}, {}
    for lang, flags in correct.items():
        rows = [{"id": str(i), "gold": "x", "prediction": "x" if c else "y", "stats": {"correct": c}}
                for i, c in enumerate(flags)]
        (folder / "samples" / task).mkdir(parents=True, exist_ok=True)
        (folder / "samples" / task / f"{lang}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        results[lang] = {"accuracy": 100 * sum(flags) / len(flags), "n": len(flags)}
        languages[lang] = {"data_fingerprint": f"fp-{lang}", "n": len(flags)}
    data = {
        "results": {task: results},
        "groups": {},
        "config": {
            "model": {"name": name}, "limit": None, "seed": 1234,
            "harness": {"version": "0.1.0", "git_commit": "0123456789abcdef"},
            "finished_at": date, "device": {"device": "cpu"}, "runner": {"batch_size": "auto"},
            "checkpoints": {f"{name}#sequence_classification": {"checkpoint": f"org/{name}", "revision": "abc123",
                                                                "weights_sha256": "feedbeef"}},
            "tasks": {task: {"config_hash": "h1", "metrics": {"accuracy": {"reducer": "mean", "stat": "correct",
                                                                            "test": "mcnemar"}},
                             "main_metric": ["accuracy"], "official_languages": list(official),
                             "languages": languages, "model_args": {}}},
        },
        "errors": {},
    }
    (folder / "results.json").write_text(json.dumps(data, indent=2))
    return folder
