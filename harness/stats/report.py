"""The comparison as Markdown: per task a table of languages, the averages, seeds, the question."""

from __future__ import annotations

from typing import Mapping, Sequence

from tabulate import tabulate

from harness.stats.comparison import Comparison

CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg", "none": "no correction"}


def _num(value: float | None, signed: bool = False) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if value >= 1e-4 else f"{value:.1e}"


def _ci(low: float, high: float) -> str:
    return f"[{low:+.2f}, {high:+.2f}]"


def _table(rows: list[list], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def comparison_markdown(comparison: Comparison) -> str:
    s = comparison.settings
    level = f"{100 * s.level:g}%"
    correction = CORRECTION_NAMES[s.correction]
    lines = [
        f"# {comparison.treatment} vs {comparison.baseline}",
        "",
        f"Δ = treatment − baseline, in points. Per cell: exact McNemar (0/1 outcomes), paired permutation "
        f"(graded per-example scores) or paired approximate randomisation (corpus metrics); {level} paired "
        f"bootstrap percentile intervals ({s.resamples} resamples, seed {s.seed}); p adjusted with {correction} "
        f"over the {len(comparison.cells)} cells; * marks adjusted p < {s.alpha:g}.",
    ]
    if comparison.unpaired:
        lines += ["", f"Not compared (and not in the correction's family): {len(comparison.unpaired)} task × language "
                      "cells that only one run has: "
                      + ", ".join(f"{u['task']}/{u['lang']} (only in the {u['present_in']})"
                                  for u in comparison.unpaired)
                      + "."]
    tasks = list(dict.fromkeys(c.task for c in comparison.cells))
    for task in tasks:
        rows = [[c.lang, c.metric, c.n, _num(c.baseline), _num(c.treatment), _num(c.delta, True),
                 _ci(c.ci_low, c.ci_high), c.test, _p(c.p_value), _p(c.p_adjusted),
                 "*" if c.p_adjusted is not None and c.p_adjusted < s.alpha else ""]
                for c in comparison.cells if c.task == task]
        lines += ["", f"## {task}", "",
                  _table(rows, ["lang", "metric", "n", "baseline", "treatment", "Δ", f"{level} CI", "test", "p",
                                f"p ({s.correction})", ""])]
    family = [a for a in comparison.aggregates if a.in_family]
    derived = [a for a in comparison.aggregates if not a.in_family]
    if comparison.aggregates:
        lines += ["", "## Averages", "",
                  "As results.json averages them; intervals and p from the stratified paired bootstrap "
                  "(resampling within each task × language); the sign and Wilcoxon tests treat languages as the "
                  "units (per-language Δ of the headline, averaged over the tasks that have the language) and use "
                  "the target languages only: English, the source language, is left out on both benchmarks. "
                  f"The {len(family)} averages{' without ‡' if derived else ''} are their own family for the "
                  f"correction ({correction}; they re-use the cells' examples); * marks adjusted p < {s.alpha:g}. "
                  "The sign and Wilcoxon p are uncorrected." + (" ‡: derived for the research question (English left out), reported with its "
                                    "raw p only, outside the correction's family and ASO's." if derived else ""), ""]
        rows = []
        for a in comparison.aggregates:
            d = a.to_dict(s.alpha)
            name = a.quantity.name + ("" if a.quantity.complete else " (subset)") + ("" if a.in_family else " ‡")
            rows.append([name, _num(a.baseline), _num(a.treatment), _num(a.delta, True), _ci(a.ci_low, a.ci_high),
                         _p(a.p_value), _p(a.p_adjusted),
                         f"{d['languages_better']}/{d['languages_worse']}" if d["languages"] else "–",
                         _p(a.sign_test_p), _p(a.wilcoxon_p), "*" if d["significant"] else ""])
        lines.append(_table(rows, ["average", "baseline", "treatment", "Δ", f"{level} CI", "p", f"p ({s.correction})",
                                   "languages +/−", "sign p", "Wilcoxon p", ""]))
        if any(not a.quantity.complete for a in comparison.aggregates):
            lines += ["", "(subset): the runs cover only part of the official languages or tasks, so this is not "
                          "the benchmark's published average."]
    lines += _seeds_markdown(comparison.seeds)
    return "\n".join(lines) + "\n"


def _seeds_markdown(seeds: Mapping) -> list[str]:
    if not seeds.get("cells") and not seeds.get("aggregates"):
        return []
    lines = ["", "## Seeds: almost stochastic order", "",
             f"{len(seeds['baseline'])} baseline and {len(seeds['treatment'])} treatment runs; ε_min at confidence "
             f"{seeds['confidence_level']:.4g} ({seeds['resamples']} bootstrap resamples); "
             f"ε_min < τ = {seeds['tau']:g} means almost stochastically better (ε_min is for the treatment over "
             f"the baseline, ε_min reverse the other way). {_aso_family(seeds)}", ""]
    rows = [[f"{e['task']}/{e['lang']}", e["metric"], f"{e['eps_min']:.3f}", f"{e['eps_min_reverse']:.3f}",
             e["verdict"]] for e in seeds["cells"]]
    rows += [[e["name"], "average", f"{e['eps_min']:.3f}", f"{e['eps_min_reverse']:.3f}", e["verdict"]]
             for e in seeds["aggregates"]]
    lines.append(_table(rows, ["cell", "metric", "ε_min", "ε_min reverse", "verdict"]))
    return lines


def _side_line(label: str, side: Mapping) -> str:
    subset = "" if side["complete"] else ", language/task subset"
    return (f"{label}: {side['treatment']} vs {side['baseline']}; target languages ({side['targets']}) "
            f"{_num(side['baseline_score'])} → {_num(side['treatment_score'])}{subset}; official {side['group']} "
            f"average {_num(side['official_baseline_score'])} → {_num(side['official_treatment_score'])}.")


def _value_ci(value: float | None, ci: Sequence[float] | None) -> str:
    return "–" if value is None else f"{_num(value, True)} {_ci(*ci)}"


def _aso_family(seeds: Mapping) -> str:
    if not seeds.get("bonferroni"):
        return "No correction for multiple comparisons."
    return (f"The confidence is Bonferroni-adjusted over {seeds['family']} statements: {len(seeds['cells'])} cells and "
            f"{len(seeds['aggregates'])} averages, each in both directions.")


def research_markdown(rq: Mapping) -> str:
    level = f"{100 * rq['confidence_level']:g}%"
    lines = ["# Research question: does the intermediate-training gain shrink from text to multimodal?", "",
             _side_line("Text", rq["text"]), _side_line("Multimodal", rq["multimodal"]), "",
             "Both sides are compared on the mean over target languages: English is the language of the "
             "intermediate task and of fine-tuning, so it is left out of both (IGLUE's official average already "
             "leaves it out; XTREME's includes it). The official averages are shown for reference only.", ""]
    rows = [[r["quantity"], _value_ci(r["text"], r["text_ci"]), _value_ci(r["multimodal"], r["multimodal_ci"]),
             _num(r["difference"], True), "–" if r["ci_low"] is None else _ci(r["ci_low"], r["ci_high"]),
             _p(r["p_value"]), r["better"], r["verdict"]] for r in rq["rows"]]
    lines.append(_table(rows, [
        "quantity", f"text Δ {level} CI", f"multimodal Δ {level} CI", "text − multimodal", f"{level} CI", "p",
        "better", "verdict"]))
    lines += ["", *_explanation(rq)]
    return "\n".join(lines) + "\n"


def _explanation(rq: Mapping) -> list[str]:
    level = f"{100 * rq['confidence_level']:g}%"
    alpha = rq["alpha"]
    out = [f"What \"degrades\" means here: the gain from intermediate training degrades from text to multimodal "
           f"when text − multimodal has a bootstrap p below α = {alpha:g} and is above 0 for the gain (or the gain "
           f"per point of headroom), or, for the transfer gap (English minus the target-language mean, where a "
           f"negative change is the benefit), below 0. The {level} intervals describe the size; the verdict "
           f"follows p and α."]
    for r in rq["rows"]:
        if r["verdict"] == "unavailable":
            out.append(f"- {r['quantity']}: unavailable: {r['reason']}.")
            continue
        if r["difference"] is None:
            out.append(f"- {r['quantity']}: text {_num(r['text'], True)}, multimodal {_num(r['multimodal'], True)}; "
                       "not compared, since one average includes English and the other does not.")
            continue
        low, high = r["ci_low"], r["ci_high"]
        if r["verdict"] == "degrades":
            reading = "so the benefit degrades"
        elif r["verdict"] == "improves":
            reading = "so the benefit is larger for the multimodal model"
        else:
            reading = f"p not below α = {alpha:g}: no evidence either way at this level"
        out.append(f"- {r['quantity']}: text {_num(r['text'], True)}, multimodal {_num(r['multimodal'], True)}; "
                   f"difference {_num(r['difference'], True)} with {level} interval {_ci(low, high)} "
                   f"(p = {_p(r['p_value'])}), {reading}.")
    return out


def full_markdown(comparisons: Sequence[Comparison], rq: Mapping | None = None) -> str:
    parts = [comparison_markdown(c) for c in comparisons]
    if rq is not None:
        parts.append(research_markdown(rq))
    return "\n".join(parts)
