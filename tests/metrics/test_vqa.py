import pytest

from harness.metrics.vqa import first_answer_line, normalize_answer


@pytest.mark.parametrize("raw,expected", [
    ("The Man", "man"), ("a dog.", "dog"), ("  Yes!  ", "yes"), ("t-shirt", "tshirt"), ("an apple", "apple"),
    ("Theater", "theater"), ("«black»", "black"), ("left side", "left side"),
])
def test_answers_are_lower_cased_without_punctuation_or_english_articles(raw, expected):
    assert normalize_answer(raw) == expected


def test_the_first_non_empty_line_is_the_answer():
    assert first_answer_line("\n  red \nThe shape is red.") == "red"
    assert first_answer_line("") == ""
