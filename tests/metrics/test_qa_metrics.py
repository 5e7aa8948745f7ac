import pytest

from harness.errors import HarnessError
from harness.metrics.qa import (
    mixed_segmentation,
    mlqa_normalize,
    normalizer,
    question_stats,
    squad_normalize,
    token_f1,
)


@pytest.mark.parametrize("text, expected", [
    ("The Cat!", "cat"),
    ("an apple, a pear and THE plum.", "apple pear and plum"),
    ("theatre  anthem", "theatre anthem"),  # articles only as whole words
    ("«Hallo» — “quoted”", "«hallo» — “quoted”"),  # only ASCII punctuation is removed
    ("  spaced\tout\n", "spaced out"),
])
def test_squad_normalization(text, expected):
    assert squad_normalize(text) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("«Hallo» — “quoted”", "en", "hallo quoted"),  # every Unicode P* character is punctuation
    ("the cat", "en", "cat"),
    ("Der Hund und die Katze", "de", "hund und katze"),
    ("Einem Mann, eines Tages", "de", "mann tages"),
    ("derart deshalb", "de", "derart deshalb"),  # whole words only
    ("¿Dónde están los gatos y las casas?", "es", "dónde están gatos y casas"),
    ("cái bàn của tôi", "vi", "bàn tôi"),
    ("भारत की राजधानी।", "hi", "भारत की राजधानी"),  # the danda is punctuation; Hindi has no articles
    ("الكتاب", "ar", "كتاب"),
    ("مالك", "ar", "م ك"),  # the official rule removes ال inside words too
    ("北京大学2008年", "zh", "北 京 大 学 2008 年"),  # mixed segmentation
    ("abc 中文def。", "zh", "abc 中 文 def"),
    ("the cat", "zh", "the cat"),  # no articles in Chinese
])
def test_mlqa_normalization(text, lang, expected):
    assert mlqa_normalize(text, lang) == expected


def test_mixed_segmentation_splits_cjk_and_punctuation_and_whitespace_runs():
    assert mixed_segmentation("ab cd中,e") == ["ab", "cd", "中", ",", "e"]


def test_mlqa_rejects_languages_without_rules():
    with pytest.raises(HarnessError, match="no rules for language 'fr'"):
        normalizer("mlqa", "fr")
    with pytest.raises(HarnessError, match="unknown QA normalisation"):
        normalizer("lenient", "en")


def test_token_f1_and_exact_match_by_hand():
    assert token_f1("the cat sat", "cat sat down", squad_normalize) == pytest.approx(0.8)
    assert token_f1("dog", "cat", squad_normalize) == 0.0
    stats = question_stats("The cat", ["a dog", "cat"], squad_normalize)
    assert stats == {"exact": 1, "f1": 1.0}
    assert question_stats("cat sat", ["cat sat down", "sat"], squad_normalize)["f1"] == pytest.approx(0.8)


def test_chinese_f1_counts_characters():
    zh = normalizer("mlqa", "zh")
    assert token_f1("北京大学", "北京", zh) == pytest.approx(2 / 3)


def test_missing_answer_scores_zero():
    assert question_stats(None, ["cat"], squad_normalize) == {"exact": 0, "f1": 0.0}
