from pathlib import Path

import pytest
import torch

from harness.data.records import LanguageData
from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.evaluator.runner import InferenceRunner
from harness.kinds import get_kind
from harness.kinds.base import Predictions
from harness.models.loading import load_model
from harness.models.model_args import ModelArgs
from harness.taskfiles.index import TaskIndex

PANX = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]


@pytest.fixture(scope="module")
def panx():
    task = TaskIndex.load().tasks["panx"]
    return task, resolve_source(task, {}, demo=True).language_data("de", limit=12)


def test_each_word_gets_the_tag_named_by_its_first_subtokens_highest_logit(panx, tiny_models):
    task, data = panx
    checkpoint_labels = list(reversed(PANX))  # output order differs from the task's: mapped by name
    loaded = load_model(str(tiny_models("token_classification", checkpoint_labels, seed=3)), "token_classification",
                        ModelArgs(), torch.device("cpu"))
    predictions = get_kind("token_tagging").predict(task, data, loaded, InferenceRunner("cpu", progress=False))
    expected = []
    with torch.inference_mode():
        for row in data.rows:
            encoded = loaded.tokenizer(row["tokens"], is_split_into_words=True, return_tensors="pt")
            logits = loaded.model(**encoded).logits[0]
            word_ids = encoded.word_ids(0)
            firsts = [word_ids.index(w) for w in range(len(row["tokens"]))]
            expected.append([checkpoint_labels[int(logits[p].argmax())] for p in firsts])
    assert predictions.values == expected
    assert predictions.info["split_sentences"] == 0


def test_sentences_longer_than_max_length_are_windowed_and_fully_tagged(panx, tiny_models):
    task, data = panx
    long_row = {"id": "long", "tokens": [t for row in data.rows for t in row["tokens"]], "tags": []}
    long_row["tags"] = [t for row in data.rows for t in row["tags"]]
    loaded = load_model(str(tiny_models("token_classification", PANX)), "token_classification",
                        ModelArgs(max_length=24), torch.device("cpu"))
    long_data = LanguageData("panx", "de", "test", [long_row, *data.rows[:2]], "t")
    predictions = get_kind("token_tagging").predict(task, long_data, loaded, InferenceRunner("cpu", progress=False))
    assert [len(tags) for tags in predictions.values] == [len(r["tokens"]) for r in long_data.rows]
    assert predictions.info["split_sentences"] >= 1 and predictions.info["max_length"] == 24
    assert predictions.info["windows"] > len(long_data.rows)


def test_gold_tags_score_100_and_samples_hold_sums(panx):
    task, data = panx
    unit = get_kind("token_tagging").score(task, data, Predictions([r["tags"] for r in data.rows]))
    assert unit.metrics == {"f1": 100.0, "precision": 100.0, "recall": 100.0}
    assert set(unit.samples[0]["stats"]) == {"tp", "fp", "fn", "correct", "tokens"}
    udpos = TaskIndex.load().tasks["udpos"]
    ud = resolve_source(udpos, {}, demo=True).language_data("fr")
    unit = get_kind("token_tagging").score(udpos, ud, Predictions([["NOUN"] * len(r["tags"]) for r in ud.rows]))
    nouns = sum(tag == "NOUN" for r in ud.rows for tag in r["tags"])
    assert unit.metrics["accuracy"] == pytest.approx(100 * nouns / sum(len(r["tags"]) for r in ud.rows))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_submission_round_trips_and_bad_files_name_file_and_line(panx, tmp_path):
    task, data = panx
    kind = get_kind("token_tagging")
    gold = Predictions([r["tags"] for r in data.rows])
    path = write(tmp_path / "ok.tsv", kind.format_submission(data, gold))
    assert kind.read_submission(path, task, data).values == gold.values
    lines = path.read_text().splitlines()
    first_blank = lines.index("")
    merged = write(tmp_path / "merged.tsv", "\n".join(lines[:first_blank] + lines[first_blank + 1:]) + "\n")
    with pytest.raises(HarnessError, match=r"merged.tsv:1: sentence 1 has \d+ tags, expected"):
        kind.read_submission(merged, task, data)
    short = write(tmp_path / "short.tsv", "\n".join(lines[:first_blank + 1]) + "\n")
    with pytest.raises(HarnessError, match=r"short.tsv: 1 sentences, expected 12"):
        kind.read_submission(short, task, data)
    unknown = write(tmp_path / "unknown.tsv", "B-MISC\n" + "\n".join(lines[1:]) + "\n")
    with pytest.raises(HarnessError, match=r"unknown.tsv:1: tag 'B-MISC' is not one of O, B-PER"):
        kind.read_submission(unknown, task, data)


def test_submission_with_one_sentence_per_line_reads_the_same(panx, tmp_path):
    """REFERENCE.md describes XTREME's tagging files as a sentence per line, tags space-separated."""
    task, data = panx
    kind = get_kind("token_tagging")
    gold = Predictions([r["tags"] for r in data.rows])
    path = write(tmp_path / "lines.tsv", "".join(" ".join(tags) + "\n" for tags in gold.values))
    assert kind.read_submission(path, task, data).values == gold.values
    lines = path.read_text().splitlines()
    short = write(tmp_path / "short.tsv", "\n".join(lines[:-1]) + "\n")
    with pytest.raises(HarnessError, match=r"short.tsv: 11 sentences, expected 12 \(one sentence per line"):
        kind.read_submission(short, task, data)
    long_words = [i for i, tags in enumerate(gold.values) if len(tags) > 1]
    dropped = [tags[:-1] if i == long_words[0] else tags for i, tags in enumerate(gold.values)]
    cut = write(tmp_path / "cut.tsv", "".join(" ".join(tags) + "\n" for tags in dropped))
    with pytest.raises(HarnessError, match=rf"cut.tsv:{long_words[0] + 1}: sentence {long_words[0] + 1} has"):
        kind.read_submission(cut, task, data)
    unknown = write(tmp_path / "unknown.tsv", "B-MISC " + "\n".join(lines) + "\n")
    with pytest.raises(HarnessError, match=r"unknown.tsv:1: tag 'B-MISC' is not one of O, B-PER"):
        kind.read_submission(unknown, task, data)
