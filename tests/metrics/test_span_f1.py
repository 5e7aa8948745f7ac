import random

import pytest
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

from harness.metrics.corpus import f1_from_counts
from harness.metrics.span_f1 import seqeval_chunks, sentence_span_stats, sentence_token_stats

UPOS = "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
IOB2 = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
# seqeval warns about every tag that is not B-/I-/E-/S-prefixed: all UPOS tags, by design.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
ODD = ["O", "B", "I", "E", "S", "X", ".", ".A", "B-", "E-X", "S-X", "B-X", "I-X", "OX", "-", "A-B-C"]


def seqeval_scores(gold, pred):
    return f1_score(gold, pred), precision_score(gold, pred), recall_score(gold, pred)


def corpus_scores(gold, pred):
    stats = sentence_span_stats(gold, pred)
    precision, recall, f1 = f1_from_counts(*(sum(s[k] for s in stats) for k in ("tp", "fp", "fn")))
    return f1, precision, recall


@pytest.mark.parametrize("gold, pred", [
    ([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-ORG"]]),
    ([["I-PER", "I-PER", "O"], ["B-LOC"]], [["B-PER", "I-PER", "O"], ["I-LOC"]]),
    ([["NOUN", "NOUN", "VERB"]], [["NOUN", "VERB", "VERB"]]),  # a run of equal UPOS tags is one span
    ([["SCONJ", "SCONJ", "SYM"]], [["SCONJ", "SCONJ", "SYM"]]),  # S-prefixed tags: one span per word
    ([["INTJ", "INTJ", "ADV"]], [["INTJ", "ADV", "ADV"]]),
    ([["NOUN", "X"], ["X", "VERB"]], [["NOUN", "X"], ["X", "VERB"]]),  # an X run crosses the sentence break
    ([["NOUN", "X"], ["VERB"]], [["NOUN", "NOUN"], ["VERB"]]),  # …and is dropped before a non-X start
    ([["DET", "NOUN"], ["X", "VERB"]], [["DET", "DET"], ["X", "VERB"]]),  # X inherits the previous start
])
def test_hand_cases_equal_seqeval(gold, pred):
    assert corpus_scores(gold, pred) == seqeval_scores(gold, pred)


def test_bare_upos_chunks_follow_seqeval_prefix_reading():
    tags = ["NOUN", "NOUN", "SCONJ", "SCONJ", "X", "X", "PROPN"]
    assert seqeval_chunks(tags) == [("OUN", 0, 1), ("CONJ", 2, 2), ("CONJ", 3, 3), ("_", 4, 5), ("ROPN", 6, 6)]
    assert seqeval_chunks(tags) == get_entities(tags)


def test_trailing_x_run_of_the_last_sentence_is_not_a_span():
    stats = sentence_span_stats([["NOUN", "X"]], [["NOUN", "X"]])
    assert stats == [{"tp": 1, "fp": 0, "fn": 0}]


def test_span_crossing_sentences_is_credited_to_the_sentence_where_it_ends():
    stats = sentence_span_stats([["NOUN", "X"], ["X", "VERB"]], [["NOUN", "X"], ["X", "VERB"]])
    assert stats == [{"tp": 1, "fp": 0, "fn": 0}, {"tp": 2, "fp": 0, "fn": 0}]


@pytest.mark.parametrize("tagset", [UPOS, IOB2, ODD, ["X", "NOUN"]], ids=["upos", "iob2", "odd", "x-noun"])
def test_summed_sentence_stats_reproduce_seqeval_exactly_on_random_sequences(tagset):
    rng = random.Random(len(tagset))
    for _ in range(300):
        gold = [[rng.choice(tagset) for _ in range(rng.randint(1, 7))] for _ in range(rng.randint(1, 5))]
        pred = [[tag if rng.random() < 0.6 else rng.choice(tagset) for tag in sentence] for sentence in gold]
        assert corpus_scores(gold, pred) == seqeval_scores(gold, pred), (gold, pred)
        flat = [tag for sentence in gold for tag in sentence]
        assert seqeval_chunks(flat) == get_entities(flat)


def test_identical_sequences_score_100_percent_and_shapes_must_match():
    gold = [["B-PER", "O"], ["O", "B-LOC", "I-LOC"]]
    assert corpus_scores(gold, gold) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        sentence_span_stats(gold, [["O", "O"]])


def test_token_stats_count_correct_tags_and_words():
    assert sentence_token_stats(["DET", "NOUN", "VERB"], ["DET", "VERB", "VERB"]) == {"correct": 2, "tokens": 3}
