"""harness tasks — the tasks and groups, with languages, metrics and data sources."""

from __future__ import annotations

from harness.cli.common import add_data_args


def add_parser(sub) -> None:
    p = sub.add_parser("tasks", help="list tasks and groups")
    add_data_args(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from tabulate import tabulate

    from harness.taskfiles.index import TaskIndex

    index = TaskIndex.load(args.include_path)
    rows = []
    for task in sorted(index.tasks.values(), key=lambda t: t.task):
        sources = []
        if task.data.hub:
            hub = task.data.hub
            sources.append(f"hub {hub.path}" + (f" [{hub.config}]" if hub.config else "") + (" (unusable)" if hub.unusable else ""))
        if task.data.local:
            sources.append(f"local {task.data.local.format}")
        if task.data.demo:
            sources.append("demo")
        rows.append([task.task, task.kind, f"{len(task.languages)}: {' '.join(task.languages)}",
                     ", ".join(task.metrics), "; ".join(sources)])
    print(tabulate(rows, headers=["task", "kind", "languages", "metrics", "data sources"], tablefmt="github"))
    group_rows = []
    for group in sorted(index.groups.values(), key=lambda g: g.group):
        cats = "; ".join(f"{c}: {', '.join(m)}" for c, m in group.categories.items())
        group_rows.append([group.group, ", ".join(group.tasks), cats,
                           ", ".join(group.exclude_languages) or "–"])
    print()
    print(tabulate(group_rows, headers=["group", "tasks", "categories", "left out of averages"], tablefmt="github"))
    return 0
