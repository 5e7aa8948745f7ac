"""Group scores over whatever results a run folder holds, then save it."""

from __future__ import annotations

from harness.results.groups import group_summary
from harness.results.store import RunStore
from harness.taskfiles.index import TaskIndex


def finalize_run(store: RunStore, index: TaskIndex) -> None:
    results = store.data["results"]
    meta = {
        task: {"main_metric": info.get("main_metric", []), "languages": info.get("official_languages", [])}
        for task, info in store.data["config"]["tasks"].items()
    }
    groups = {}
    for group in index.groups_covering(results):
        groups[group.group] = group_summary(group, results, meta)
    store.data["groups"] = groups
    store.save()
