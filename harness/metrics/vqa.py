"""Answer normalisation for xGQA's exact-match accuracy.

xGQA's answers are English GQA answers whatever the question's language. A generated answer
and the gold one are compared after SQuAD-style normalisation: lower-case, punctuation removed
(ASCII and every Unicode P* character), the English articles a/an/the dropped, whitespace
collapsed.
"""

from __future__ import annotations

import re
import string
import unicodedata

ARTICLES = re.compile(r"\b(a|an|the)\b")


def _is_punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def normalize_answer(text: str) -> str:
    text = "".join(ch for ch in str(text).lower() if not _is_punctuation(ch))
    return " ".join(ARTICLES.sub(" ", text).split())


def first_answer_line(generated: str) -> str:
    """The short answer a model wrote: its first non-empty line."""
    for line in str(generated).splitlines():
        if line.strip():
            return line.strip()
    return ""
