import pytest

from harness.errors import HarnessError
from harness.models.labels import map_labels

NLI = ["entailment", "neutral", "contradiction"]


def test_labels_map_by_name_not_by_index_order():
    # roberta-large-mnli's order: contradiction, neutral, entailment
    mapping = map_labels({0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"}, NLI, {}, {}, "t")
    assert mapping == [2, 1, 0]


def test_aliases_from_the_task_file_are_used():
    mapping = map_labels({0: "not_paraphrase", 1: "paraphrase"}, ["0", "1"],
                         {"0": ("not_paraphrase",), "1": ("paraphrase",)}, {}, "pawsx")
    assert mapping == [0, 1]


def test_generic_labels_need_an_explicit_label_map():
    with pytest.raises(HarnessError, match="label_map"):
        map_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, NLI, {}, {}, "xnli")
    mapping = map_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, NLI, {},
                         {"LABEL_0": "contradiction", "LABEL_1": "entailment", "LABEL_2": "neutral"}, "xnli")
    assert mapping == [2, 0, 1]


def test_unmappable_labels_list_both_sets():
    with pytest.raises(HarnessError) as err:
        map_labels({0: "positive", 1: "negative"}, NLI, {}, {}, "xnli with ckpt")
    assert "positive, negative" in str(err.value) and "entailment, neutral, contradiction" in str(err.value)


def test_label_map_may_drop_an_extra_output_but_every_task_label_needs_one():
    mapping = map_labels({0: "a", 1: "b", 2: "c", 3: "d"}, NLI, {}, {"a": "entailment", "b": "neutral", "c": "contradiction"}, "t")
    assert mapping == [0, 1, 2, None]
    with pytest.raises(HarnessError, match="no checkpoint label maps to task label 'contradiction'"):
        map_labels({0: "a", 1: "b"}, NLI, {}, {"a": "entailment", "b": "neutral"}, "t")


def test_two_outputs_on_one_task_label_is_refused():
    with pytest.raises(HarnessError, match="2 checkpoint labels map"):
        map_labels({0: "entailment", 1: "Entailment", 2: "neutral", 3: "contradiction"}, NLI, {}, {}, "t")


def test_partial_label_map_falls_back_to_name_matching_for_the_other_labels():
    # The demo XNLI checkpoint: label_map=entailment:entailment;neutral:neutral left contradiction unmapped.
    mapping = map_labels({0: "entailment", 1: "neutral", 2: "contradiction"}, NLI, {},
                         {"entailment": "entailment", "neutral": "neutral"}, "t")
    assert mapping == [0, 1, 2]
    swapped = map_labels({0: "entailment", 1: "neutral", 2: "contradiction"}, NLI, {},
                         {"neutral": "contradiction", "contradiction": "neutral"}, "t")
    assert swapped == [0, 2, 1]


def test_label_map_claims_win_over_name_matches():
    # "a" is sent to entailment explicitly: the output named "entailment" no longer competes for it.
    mapping = map_labels({0: "a", 1: "entailment", 2: "neutral", 3: "contradiction"}, NLI, {}, {"a": "entailment"}, "t")
    assert mapping == [0, None, 1, 2]


def test_partial_label_map_on_generic_labels_still_needs_every_task_label():
    with pytest.raises(HarnessError, match="no checkpoint label maps to task label 'neutral'"):
        map_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, NLI, {}, {"LABEL_0": "entailment",
                                                                          "LABEL_2": "contradiction"}, "t")
