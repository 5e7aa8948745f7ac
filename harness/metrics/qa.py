"""Extractive QA exact match and token F1: SQuAD v1.1 and MLQA, per question.

Both official scripts (SQuAD's evaluate-v1.1.py, used by XTREME for XQuAD and TyDiQA-GoldP, and
MLQA's mlqa_evaluation_v1.py) normalise both strings, compare them (EM) or their bags of tokens
(F1), take the best over the gold answers, and report the mean over questions × 100. An
unanswered question scores 0 and stays in the denominator. Per question we keep the EM flag and
the F1 in [0, 1], so the corpus numbers are plain means (harness/metrics/corpus.py).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from typing import Callable, Sequence

from harness.errors import HarnessError

_SQUAD_PUNCTUATION = frozenset(string.punctuation)
_SQUAD_ARTICLES = re.compile(r"\b(a|an|the)\b")

# mlqa_evaluation_v1.py: articles removed per answer language (hi and zh have none).
_MLQA_ARTICLES = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
}
_MLQA_NO_ARTICLES = frozenset({"hi", "zh"})
_MLQA_WHITESPACE_LANGS = frozenset({"en", "es", "hi", "vi", "de", "ar"})
_MLQA_MIXED_SEGMENTATION_LANGS = frozenset({"zh"})
MLQA_LANGUAGES = _MLQA_WHITESPACE_LANGS | _MLQA_MIXED_SEGMENTATION_LANGS
_CJK = re.compile(r"[\u4e00-\u9fa5]")


def squad_normalize(text: str) -> str:
    """SQuAD v1.1: lower-case, drop ASCII punctuation, the words a/an/the, and extra whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _SQUAD_PUNCTUATION)
    return " ".join(_SQUAD_ARTICLES.sub(" ", text).split())


def is_mlqa_punctuation(ch: str) -> bool:
    """MLQA's punctuation: every Unicode category P* character, plus ASCII punctuation."""
    return ch in _SQUAD_PUNCTUATION or unicodedata.category(ch).startswith("P")


def mixed_segmentation(text: str) -> list[str]:
    """MLQA's Chinese tokenisation: each CJK character (U+4E00–U+9FA5) and each punctuation mark
    is a token; runs of other characters are split on whitespace."""
    tokens: list[str] = []
    pending = ""
    for ch in text:
        if _CJK.match(ch) or is_mlqa_punctuation(ch):
            tokens.extend(pending.split())
            pending = ""
            tokens.append(ch)
        else:
            pending += ch
    tokens.extend(pending.split())
    return tokens


def _mlqa_remove_articles(text: str, lang: str) -> str:
    if lang == "ar":
        # The official pattern is '\sال^|ال'; its first branch can never match (a '^' after two
        # characters, without MULTILINE), so every "ال" is replaced, inside words too.
        return text.replace("ال", " ")
    if lang in _MLQA_NO_ARTICLES:
        return text
    return _MLQA_ARTICLES[lang].sub(" ", text)


def mlqa_normalize(text: str, lang: str) -> str:
    """MLQA normalisation for an answer in ``lang`` (the context's language)."""
    if lang not in MLQA_LANGUAGES:
        raise HarnessError(f"MLQA normalisation has no rules for language {lang!r}; "
                           f"expected one of {', '.join(sorted(MLQA_LANGUAGES))}")
    text = "".join(ch for ch in text.lower() if not is_mlqa_punctuation(ch))
    text = _mlqa_remove_articles(text, lang)
    tokens = mixed_segmentation(text) if lang in _MLQA_MIXED_SEGMENTATION_LANGS else text.split()
    return " ".join(token for token in tokens if token.strip())


def normalizer(scheme: str, lang: str) -> Callable[[str], str]:
    """``squad`` (XQuAD, TyDiQA-GoldP) or ``mlqa`` normalisation for answers in ``lang``."""
    if scheme == "squad":
        return squad_normalize
    if scheme == "mlqa":
        mlqa_normalize("", lang)  # an unknown language fails here, before any scoring
        return lambda text: mlqa_normalize(text, lang)
    raise HarnessError(f"unknown QA normalisation {scheme!r}; expected squad or mlqa")


def token_f1(prediction: str, gold: str, normalize: Callable[[str], str]) -> float:
    predicted_tokens = normalize(prediction).split()
    gold_tokens = normalize(gold).split()
    same = sum((Counter(predicted_tokens) & Counter(gold_tokens)).values())
    if same == 0:
        return 0.0
    precision = same / len(predicted_tokens)
    recall = same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


def question_stats(prediction: str | None, golds: Sequence[str], normalize: Callable[[str], str]) -> dict:
    """EM flag and F1 in [0, 1] of one answer, the best over the gold answers; a missing
    prediction (or a question without gold answers) scores 0."""
    if prediction is None or not golds:
        return {"exact": 0, "f1": 0.0}
    normalized = normalize(prediction)
    exact = int(any(normalized == normalize(gold) for gold in golds))
    return {"exact": exact, "f1": max(token_f1(prediction, gold, normalize) for gold in golds)}
