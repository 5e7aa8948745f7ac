from pathlib import Path

import numpy as np
import pytest

from harness.stats.comparison import CompareSettings, compare
from harness.stats.pairing import RunFolder
from harness.stats.research_question import _verdict, gap_group, research_question
from harness.taskfiles.schema import GroupConfig
from tests.stats.run_folders import ACCURACY, binary_stats, write_run

TEXT = GroupConfig("xt", ("nli", "para"), Path("xt.yaml"), categories={"classification": ("nli", "para")})
MULTI = GroupConfig("ig", ("vnli", "vqa"), Path("ig.yaml"), exclude_languages=("en",), gap_language="en")


def _units(tasks, langs, rates, gains, seed):
    """Paired outcomes: the treatment turns a share of the baseline's errors into successes."""
    rng = np.random.default_rng(seed)
    units = {}
    for task in tasks:
        for lang in langs:
            base = rng.random(1000) < rates[lang]
            fixed = rng.random(1000) < gains[lang] / (1 - rates[lang])
            units.setdefault(task, {})[lang] = binary_stats(base | fixed)
    return units


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory):
    root = tmp_path_factory.mktemp("rq")
    text_langs, mm_langs = ("en", "de", "sw"), ("en", "ar", "id")
    metrics = {t: ACCURACY for t in ("nli", "para", "vnli", "vqa")}

    def run(name, tasks, langs, rates, gains, seed):
        return [RunFolder.load(write_run(root / name, _units(tasks, langs, rates, gains, seed), metrics))]

    # Text: +10 points everywhere. Multimodal: +10 on English only, nothing on the targets.
    text_rates, mm_rates = {"en": 0.7, "de": 0.6, "sw": 0.5}, {"en": 0.7, "ar": 0.4, "id": 0.4}
    text_base = run("tb", TEXT.tasks, text_langs, text_rates, dict.fromkeys(text_langs, 0.0), 0)
    text_treat = run("tt", TEXT.tasks, text_langs, text_rates, dict.fromkeys(text_langs, 0.1), 0)
    mm_base = run("mb", MULTI.tasks, mm_langs, mm_rates, dict.fromkeys(mm_langs, 0.0), 1)
    mm_treat = run("mt", MULTI.tasks, mm_langs, mm_rates, {"en": 0.1, "ar": 0.0, "id": 0.0}, 1)
    groups = [TEXT, MULTI, gap_group(TEXT)]
    settings = CompareSettings(resamples=2000, seed=0)
    return compare(text_base, text_treat, groups, settings), compare(mm_base, mm_treat, groups, settings)


def test_gap_group_averages_targets_for_a_group_without_one():
    derived = gap_group(TEXT)
    assert derived.group == "xt-targets" and derived.exclude_languages == ("en",) and derived.gap_language == "en"
    assert gap_group(MULTI) is MULTI


def test_research_question_rows_are_differences_of_the_two_pairs_gains(comparisons):
    text, mm = comparisons
    rq = research_question(text, mm, TEXT, MULTI)
    rows = {r["quantity"]: r for r in rq["rows"]}
    text_gain, mm_gain = text.aggregate("xt"), mm.aggregate("ig")
    assert rows["gain"]["text"] == pytest.approx(text_gain.delta)
    assert rows["gain"]["multimodal"] == pytest.approx(mm_gain.delta)
    assert rows["gain"]["difference"] == pytest.approx(text_gain.delta - mm_gain.delta)
    assert rows["gain / headroom (%)"]["text"] == pytest.approx(100 * text_gain.delta / (100 - text_gain.baseline))
    gap = rows["transfer gap change"]
    assert gap["text"] == pytest.approx(text.aggregate("xt-targets/gap").delta)
    assert gap["multimodal"] == pytest.approx(mm.aggregate("ig/gap").delta)
    # A gain that stays on English in the multimodal pair: the benefit degrades on every reading.
    assert rows["gain"]["verdict"] == "degrades" and rows["gain"]["ci_low"] > 0
    assert gap["verdict"] == "degrades" and gap["ci_high"] < 0
    assert rq["text"]["baseline_score"] == pytest.approx(text_gain.baseline)


def test_verdict_reads_each_quantity_in_its_own_direction():
    assert _verdict(0.5, 2.0, +1) == "degrades"
    assert _verdict(-2.0, -0.5, +1) == "improves"
    assert _verdict(-0.5, 2.0, +1) == "no significant difference"
    assert _verdict(-2.0, -0.5, -1) == "degrades"
    assert _verdict(0.5, 2.0, -1) == "improves"
