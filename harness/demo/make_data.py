"""Generate the demo sample sets, in each benchmark's release layout, from the demo lexicon.

Run ``python -m harness.demo.make_data`` to regenerate ``harness/demo/data``; a test checks the
committed files equal what this produces. The output is deterministic (fixed seeds).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from harness.demo import iglue_data
from harness.demo.lexicon import ADJECTIVES, AND, ANTONYMS, COPULA, PLACES, SUBJECTS, VERBS

OUT = Path(__file__).resolve().parent / "data"
XNLI_HEADER = [
    "language", "gold_label", "sentence1_binary_parse", "sentence2_binary_parse", "sentence1_parse",
    "sentence2_parse", "sentence1", "sentence2", "promptID", "pairID", "genre", "label1", "label2",
    "label3", "label4", "label5", "sentence1_tokenized", "sentence2_tokenized", "match",
]
TATOEBA_CODES = {"de": "deu", "fr": "fra", "es": "spa"}


def subject(s: dict, lang: str, initial: bool = True) -> str:
    phrase = s[lang] if lang in ("en", "de") else s[lang][0]
    return phrase if initial else phrase[0].lower() + phrase[1:]


def gender(s: dict, lang: str) -> str:
    return s[lang][1] if lang in ("fr", "es") else "n"


def intransitive(s: dict, v: dict, lang: str, place: dict | None = None) -> str:
    tail = f" {place[lang]}" if place else ""
    return f"{subject(s, lang)} {v[lang]}{tail}."


def copular(s: dict, a: dict, lang: str) -> str:
    if lang in ("en", "de"):
        return f"{subject(s, lang)} {COPULA[lang]} {a[lang]}."
    form = a[lang][0] if gender(s, lang) == "m" else a[lang][1]
    verb = COPULA["fr"] if lang == "fr" else a["es"][2]
    return f"{subject(s, lang)} {verb} {form}."


def coordinated(s1: dict, v1: dict, s2: dict, v2: dict, lang: str) -> str:
    return f"{subject(s1, lang)} {v1[lang]} {AND[lang]} {subject(s2, lang, initial=False)} {v2[lang]}."


def sentence_items(rng: random.Random, count: int) -> list[tuple]:
    """Distinct sentence specifications, each renderable in every language."""
    seen, items = set(), []
    while len(items) < count:
        shape = rng.choice(["verb", "place", "adj", "coord"])
        s, s2 = rng.sample(SUBJECTS, 2)
        v, v2 = rng.sample(VERBS, 2)
        if shape == "verb":
            item = ("verb", s, v)
        elif shape == "place":
            item = ("place", s, v, rng.choice(PLACES))
        elif shape == "adj":
            item = ("adj", s, rng.choice(ADJECTIVES))
        else:
            item = ("coord", s, v, s2, v2)
        key = render(item, "en")
        if key not in seen:
            seen.add(key)
            items.append(item)
    return items


def render(item: tuple, lang: str) -> str:
    shape = item[0]
    if shape == "verb":
        return intransitive(item[1], item[2], lang)
    if shape == "place":
        return intransitive(item[1], item[2], lang, item[3])
    if shape == "adj":
        return copular(item[1], item[2], lang)
    return coordinated(item[1], item[2], item[3], item[4], lang)


def xnli_items(rng: random.Random) -> list[tuple]:
    items = []
    for _ in range(10):
        s, v, p = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
        items.append((("place", s, v, p), ("verb", s, v), "entailment"))
    for _ in range(10):
        s, v, p = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)
        items.append((("verb", s, v), ("place", s, v, p), "neutral"))
    polar = [a for a in ADJECTIVES if a["en"] in ANTONYMS]
    for _ in range(10):
        s, a = rng.choice(SUBJECTS), rng.choice(polar)
        b = next(x for x in ADJECTIVES if x["en"] == ANTONYMS[a["en"]])
        items.append((("adj", s, a), ("adj", s, b), "contradiction"))
    rng.shuffle(items)
    return items


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def make_xnli(langs: list[str]) -> None:
    items = xnli_items(random.Random(11))
    lines = ["\t".join(XNLI_HEADER)]
    col = {name: i for i, name in enumerate(XNLI_HEADER)}
    for lang in langs:
        for n, (premise, hypothesis, label) in enumerate(items):
            row = [""] * len(XNLI_HEADER)
            row[col["language"]], row[col["gold_label"]] = lang, label
            row[col["sentence1"]], row[col["sentence2"]] = render(premise, lang), render(hypothesis, lang)
            row[col["promptID"]], row[col["pairID"]], row[col["genre"]] = str(n // 3), str(n), "demo"
            lines.append("\t".join(row))
    write(OUT / "xnli" / "xnli.test.tsv", lines)


def pawsx_items(rng: random.Random, count: int = 30) -> list[tuple]:
    items = []
    for n in range(count):
        s1, s2 = rng.sample(SUBJECTS, 2)
        v1, v2 = rng.sample(VERBS, 2)
        first = ("coord", s1, v1, s2, v2)
        if n % 2:
            items.append((first, ("coord", s2, v2, s1, v1), "1"))  # same meaning, order swapped
        else:
            items.append((first, ("coord", s1, v2, s2, v1), "0"))  # same words, roles swapped
    return items


def make_pawsx(langs: list[str]) -> None:
    items = pawsx_items(random.Random(12))
    for lang in langs:
        lines = ["id\tsentence1\tsentence2\tlabel"]
        lines += [f"{n + 1}\t{render(a, lang)}\t{render(b, lang)}\t{label}" for n, (a, b, label) in enumerate(items)]
        write(OUT / "pawsx" / lang / "test_2k.tsv", lines)


def make_tatoeba(langs: list[str]) -> None:
    for i, lang in enumerate(langs):
        items = sentence_items(random.Random(20 + i), 40)
        code = TATOEBA_CODES[lang]
        write(OUT / "tatoeba" / f"tatoeba.{code}-eng.{code}", [render(item, lang) for item in items])
        write(OUT / "tatoeba" / f"tatoeba.{code}-eng.eng", [render(item, "en") for item in items])


def make_bucc(langs: list[str]) -> None:
    for i, lang in enumerate(langs):
        for j, release in enumerate(["sample", "training"]):
            rng = random.Random(30 + 2 * i + j)
            items = sentence_items(rng, 46)
            english, foreign_only = items[:30], items[30:]
            parallel = rng.sample(range(30), 16)
            foreign = [(item, None) for item in foreign_only] + [(english[k], k) for k in parallel]
            rng.shuffle(foreign)
            en_ids = [f"en-{n + 1:09d}" for n in range(30)]
            src_lines, gold = [], []
            for n, (item, k) in enumerate(foreign):
                src_id = f"{lang}-{n + 1:09d}"
                src_lines.append(f"{src_id}\t{render(item, lang)}")
                if k is not None:
                    gold.append(f"{src_id}\t{en_ids[k]}")
            stem = OUT / "bucc2018" / f"{lang}-en.{release}"
            write(stem.with_name(stem.name + f".{lang}"), src_lines)
            write(stem.with_name(stem.name + ".en"), [f"{en_ids[n]}\t{render(e, 'en')}" for n, e in enumerate(english)])
            write(stem.with_name(stem.name + ".gold"), sorted(gold))


MANIFEST = {
    "xnli": ["de", "en", "es", "fr"],
    "pawsx": ["de", "en", "es", "fr"],
    "tatoeba": ["de", "es", "fr"],
    "bucc2018": ["de", "fr"],
    **iglue_data.MANIFEST,
    "udpos": ["de", "en", "es", "fr"],
    "panx": ["de", "en", "es", "fr"],
    "xquad": ["de", "en", "es"],
    # MLQA in-language units, and the G-XLT pairs <context>-<question> of the mlqa_gxlt task
    "mlqa": ["de", "en", "es", "de-en", "de-es", "en-de", "en-es", "es-de", "es-en"],
    "tydiqa": ["en", "id"],
}


def main() -> None:
    make_xnli(MANIFEST["xnli"])
    make_pawsx(MANIFEST["pawsx"])
    make_tatoeba(MANIFEST["tatoeba"])
    make_bucc(MANIFEST["bucc2018"])
    iglue_data.make_iglue(OUT)
    from harness.demo import make_structured

    make_structured.make_udpos(OUT, MANIFEST["udpos"])
    make_structured.make_panx(OUT, MANIFEST["panx"])
    make_structured.make_xquad(OUT, MANIFEST["xquad"])
    make_structured.make_mlqa(OUT, MANIFEST["mlqa"])
    make_structured.make_tydiqa(OUT, MANIFEST["tydiqa"])
    (OUT / "manifest.json").write_text(json.dumps(MANIFEST, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote demo sample sets under {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
