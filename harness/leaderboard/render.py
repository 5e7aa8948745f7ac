"""Leaderboard markdown: stable ordering and fixed rounding, so the same runs give the same bytes."""

from __future__ import annotations

from typing import Mapping, Sequence

from harness.leaderboard.runs import BoardRun
from harness.leaderboard.scores import Column, language_values
from harness.leaderboard.significance import BoardComparison, Delta


def _num(value: float, signed: bool = False) -> str:
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    if text == "-0.00":  # no negative zero
        return "+0.00" if signed else "0.00"
    return text


def fmt(value: float | None) -> str:
    return "" if value is None else _num(value)


def with_delta(value: float | None, delta: Delta | None, plain_delta: float | None = None) -> str:
    if value is None:
        return ""
    if delta is not None:
        return f"{_num(value)} ({_num(delta.delta, True)}{'*' if delta.significant else ''})"
    if plain_delta is not None:
        return f"{_num(value)} ({_num(plain_delta, True)})"
    return _num(value)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1) -> str:
    lines = [_row(header), "|" + "|".join("---" if i < text_columns else "---:" for i in range(len(header))) + "|"]
    lines += [_row(r) for r in rows]
    return "\n".join(lines)


def footnote(run: BoardRun) -> str:
    config = run.data.get("config", {})
    harness = config.get("harness", {})
    commit = harness.get("git_commit") or ""
    commit = commit[:12] + (" with local changes" if commit.endswith("-dirty") else "")
    version = harness.get("version", "?") + (f" ({commit})" if commit else "")
    date = (config.get("finished_at") or "")[:10] or "unknown date"
    revisions = sorted({f"{info.get('checkpoint', key).rsplit('/', 1)[-1]}@{(info.get('revision') or 'local')[:12]}"
                        f" weights {info.get('weights_sha256') or '?'}"
                        for key, info in config.get("checkpoints", {}).items()})
    runner = config.get("runner", {})
    settings = [f"device {config.get('device', {}).get('device', '?')}", f"batch {runner.get('batch_size', '?')}",
                f"seed {config.get('seed', '?')}"]
    if config.get("limit"):
        settings.append(f"limit {config['limit']} examples per language")
    args = sorted({f"{task}: {info['model_args']}" for task, info in config.get("tasks", {}).items()
                   if info.get("model_args")})
    parts = [f"harness {version}", f"evaluated {date}",
             "model " + ("; ".join(revisions) if revisions else str(config.get("model", {}).get("name", "?"))),
             ", ".join(settings)]
    if args:
        parts.append("model_args " + "; ".join(args))
    return f"[^{run.name}]: " + "; ".join(parts) + "."


def summary_markdown(runs: Sequence[BoardRun], columns: Sequence[Column], values: Mapping[str, Mapping],
                     comparisons: Mapping[str, BoardComparison], settings_line: str, plots: Sequence[str]) -> str:
    header = ["checkpoint", "family", "intermediate", *[c.title for c in columns]]
    rows = []
    for run in runs:
        comparison = comparisons.get(run.name)
        base = values.get(run.baseline) if run.baseline else None
        cells = []
        for column in columns:
            value = values[run.name].get(column.key)
            delta = comparison.columns.get(column.key) if comparison else None
            plain = (value - base[column.key]) if (delta is None and base and value is not None
                                                  and base.get(column.key) is not None) else None
            text = with_delta(value, delta, plain)
            # A task column is marked by its own languages, every other column by its group's.
            complete = f"{column.key}/complete" if column.task else f"{column.group}/complete"
            if text and values[run.name].get(complete) is False:
                text += " †"
            cells.append(text)
        rows.append([f"{run.name}[^{run.name}]", run.family or "", run.intermediate or ("none" if run.family else ""),
                     *cells])
    lines = [
        "# Leaderboard",
        "",
        "Scores are percentages: each task's main metric averaged over its languages (QA tasks "
        "(EM + F1) / 2), group averages exactly as the benchmarks' own scripts compute them (IGLUE: "
        "target languages only, with the source language and the transfer gap beside it). An empty cell "
        "means not evaluated.",
        "",
        f"In parentheses: Δ against the checkpoint's baseline (checkpoints.yaml). {settings_line}",
        "",
        table(header, rows, text_columns=3),
        "",
        "† averaged over a subset of the official languages: not the benchmark's published average.",
        "",
        "Per-language tables: " + ", ".join(f"[{t}]({t}.md)" for t in dict.fromkeys(c.task for c in columns if c.task)) + ".",
    ]
    notes = [f"- {name}: {c.note}" for name, c in sorted(comparisons.items()) if c.note]
    if notes:
        lines += ["", "Comparisons without significance marks:", *notes]
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p.rsplit('.', 1)[0]}]({p})" for p in plots]
    lines += ["", *[footnote(run) for run in runs], ""]
    return "\n".join(lines)


def task_markdown(task: str, metric: str, runs: Sequence[BoardRun], comparisons: Mapping[str, BoardComparison],
                  settings_line: str, source_languages: Sequence[str] = ()) -> str:
    """Per-language table of one task. ``source_languages``: left out of the average and shown first
    (IGLUE's English, as its task scores are target-language means)."""
    per_run = {run.name: language_values(run.data, task) for run in runs}
    found = sorted({lang for values in per_run.values() for lang in values})
    sources = [lang for lang in source_languages if lang in found]
    langs = sources + [lang for lang in found if lang not in sources]
    header = ["checkpoint", "target avg" if source_languages else "avg",
              *[f"{lang} (source)" if lang in sources else lang for lang in langs]]
    rows = []
    for run in runs:
        values = per_run[run.name]
        if not values:
            continue
        comparison = comparisons.get(run.name)
        base = per_run.get(run.baseline) if run.baseline else None
        cells = []
        for lang in langs:
            delta = comparison.cells.get((task, lang)) if comparison else None
            plain = (values[lang] - base[lang]) if (delta is None and base and values.get(lang) is not None
                                                   and base.get(lang) is not None) else None
            cells.append(with_delta(values.get(lang), delta, plain))
        present = [v for lang, v in values.items() if v is not None and lang not in source_languages]
        rows.append([run.name, fmt(sum(present) / len(present)) if present else "", *cells])
    if source_languages:
        left_out = ", ".join(source_languages)
        average = (f"target avg is the unweighted mean over the target languages the run has ({left_out}, the "
                   f"source language, left out as the benchmark reports it, and shown beside it)")
    else:
        average = "avg is the unweighted mean over the languages the run has"
    return "\n".join([
        f"# {task}",
        "",
        f"{metric} per language, in percent; {average}. "
        f"In parentheses: Δ against the checkpoint's baseline. {settings_line}",
        "",
        table(header, rows),
        "",
    ])
