"""Demo sample sets for the structured XTREME tasks (UD-POS, PAN-X, XQuAD, MLQA, TyDiQA-GoldP).

Written from the demo lexicon (harness/demo/lexicon.py) plus a few names below, so the tags and
the answer spans are known by construction. Called from ``python -m harness.demo.make_data``;
each function writes one benchmark's release layout under ``out`` and is deterministic.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from harness.demo.lexicon import ADJECTIVES, AND, COPULA, PLACES, SUBJECTS, VERBS
from harness.demo.make_data import gender, sentence_items, subject, write

UD_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}
# German contractions that UD splits into two syntactic words (a multiword token).
CONTRACTIONS = {"im": (("in", "ADP"), ("dem", "DET"))}
PERSONS = ["Anna Berger", "Paul Klein", "Jonas", "Claire Martin", "Tom Baker", "Sofia", "Lukas Weber"]
CITIES = [
    {"en": "Munich", "de": "München", "fr": "Munich", "es": "Múnich"},
    {"en": "Vienna", "de": "Wien", "fr": "Vienne", "es": "Viena"},
    {"en": "Geneva", "de": "Genf", "fr": "Genève", "es": "Ginebra"},
    {"en": "New York", "de": "New York", "fr": "New York", "es": "Nueva York"},
    {"en": "Buenos Aires", "de": "Buenos Aires", "fr": "Buenos Aires", "es": "Buenos Aires"},
]
ORGANISATIONS = ["Siemens", "Real Madrid", "Airbus", "Greenpeace", "Banco Santander", "Air France"]
# PAN-X sentence templates: PER / PER2 / ORG / LOC are entity slots, other words are O.
NER_TEMPLATES = [
    {"en": "PER lives in LOC .", "de": "PER wohnt in LOC .", "fr": "PER habite à LOC .", "es": "PER vive en LOC ."},
    {"en": "PER works for ORG .", "de": "PER arbeitet für ORG .", "fr": "PER travaille pour ORG .",
     "es": "PER trabaja para ORG ."},
    {"en": "ORG is based in LOC .", "de": "ORG hat seinen Sitz in LOC .", "fr": "ORG a son siège à LOC .",
     "es": "ORG tiene su sede en LOC ."},
    {"en": "PER visits PER2 in LOC .", "de": "PER besucht PER2 in LOC .", "fr": "PER rend visite à PER2 à LOC .",
     "es": "PER visita a PER2 en LOC ."},
]
QUESTION_WORD = {"en": "Who", "de": "Wer", "fr": "Qui", "es": "¿Quién", "id": "Siapa yang"}
# Indonesian for the QA facts, by the English phrase, so that TyDiQA's demo has a target language
# besides English (the transfer gap needs one). Indonesian needs no articles, gender or copula.
INDONESIAN = {
    "The cat": "Kucing itu", "The dog": "Anjing itu", "The child": "Anak itu", "The woman": "Perempuan itu",
    "The man": "Laki-laki itu", "The bird": "Burung itu", "The horse": "Kuda itu", "The girl": "Gadis itu",
    "The boy": "Bocah itu", "The teacher": "Guru itu",
    "sleeps": "tidur", "eats": "makan", "runs": "berlari", "plays": "bermain", "sings": "bernyanyi",
    "waits": "menunggu", "reads": "membaca",
    "in the garden": "di taman", "in the kitchen": "di dapur", "in the park": "di alun-alun",
    "in the house": "di rumah", "in the street": "di jalan", "at school": "di sekolah",
    "small": "kecil", "big": "besar", "tired": "lelah", "happy": "senang", "hungry": "lapar", "old": "tua",
    "young": "muda",
}


# ---- words with UPOS tags ---------------------------------------------------------------------
def _split_elision(phrase: str) -> list[str]:
    words = []
    for word in phrase.split():
        head, sep, tail = word.partition("'")
        words += [head + sep, tail] if sep and tail else [word]
    return words


def subject_words(s: dict, lang: str, initial: bool = True) -> list[tuple[str, str]]:
    words = _split_elision(subject(s, lang, initial))
    return [(words[0], "DET")] + [(w, "NOUN") for w in words[1:]]


def place_words(p: dict, lang: str) -> list:
    words = _split_elision(p[lang])
    tagged: list = [(words[0], "ADP")] + [(w, "DET") for w in words[1:-1]] + [(words[-1], "NOUN")]
    return [(w, CONTRACTIONS[w]) if w in CONTRACTIONS else (w, t) for w, t in tagged]


def adjective_words(s: dict, a: dict, lang: str) -> list[tuple[str, str]]:
    if lang == "id":
        return [(a[lang], "ADJ")]
    if lang in ("en", "de"):
        return [(COPULA[lang], "AUX"), (a[lang], "ADJ")]
    form = a[lang][0] if gender(s, lang) == "m" else a[lang][1]
    return [(COPULA["fr"] if lang == "fr" else a["es"][2], "AUX"), (form, "ADJ")]


def tagged_sentence(item: tuple, lang: str) -> list:
    """Words of a lexicon sentence item (harness/demo/make_data.py) with their UPOS tags; a
    contraction is (form, ((word, tag), …))."""
    shape = item[0]
    if shape == "name":
        words = [(item[1], "PROPN"), (item[2][lang], "VERB")] + place_words(item[3], lang)
    elif shape in ("verb", "place"):
        words = subject_words(item[1], lang) + [(item[2][lang], "VERB")]
        words += place_words(item[3], lang) if shape == "place" else []
    elif shape == "adj":
        words = subject_words(item[1], lang) + adjective_words(item[1], item[2], lang)
    else:
        words = subject_words(item[1], lang) + [(item[2][lang], "VERB"), (AND[lang], "CCONJ")]
        words += subject_words(item[3], lang, initial=False) + [(item[4][lang], "VERB")]
    return words + [(".", "PUNCT")]


def _space_after(words: list, i: int) -> bool:
    return not (words[i][0].endswith("'") or (i + 1 < len(words) and words[i + 1][0] == "."))


def conllu_sentence(words: list, sent_id: str) -> list[str]:
    text = "".join(w + (" " if _space_after(words, i) else "") for i, (w, _) in enumerate(words)).strip()
    lines = [f"# sent_id = {sent_id}", f"# text = {text}"]
    n = 0
    for i, (form, tag) in enumerate(words):
        misc = "_" if _space_after(words, i) else "SpaceAfter=No"
        parts = tag if isinstance(tag, tuple) else ((form, tag),)
        if isinstance(tag, tuple):
            lines.append(f"{n + 1}-{n + len(parts)}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
            misc = "_"
        for word, upos in parts:
            n += 1
            lines.append(f"{n}\t{word}\t_\t{upos}\t_\t_\t_\t_\t_\t{misc}")
    return lines + [""]


def make_udpos(out: Path, langs: list[str]) -> None:
    rng = random.Random(40)
    items = sentence_items(rng, 30)
    items += [("name", rng.choice(PERSONS).split()[0], rng.choice(VERBS), rng.choice(PLACES)) for _ in range(6)]
    for lang in langs:
        lines = []
        for n, item in enumerate(items):
            lines += conllu_sentence(tagged_sentence(item, lang), f"demo-{n + 1}")
        write(out / "udpos" / f"UD_{UD_NAMES[lang]}-Demo" / f"{lang}_demo-ud-test.conllu", lines)


# ---- named entities ---------------------------------------------------------------------------
def ner_sentence(template: str, fillers: dict[str, str]) -> list[tuple[str, str]]:
    words = []
    for slot in template.split():
        if slot in fillers:
            kind = slot.rstrip("2")
            names = fillers[slot].split()
            words += [(names[0], f"B-{kind}")] + [(name, f"I-{kind}") for name in names[1:]]
        else:
            words.append((slot, "O"))
    return words


def panx_plan(rng: random.Random, count: int = 36) -> list[tuple]:
    plan = []
    for n in range(count):
        if n % 6 == 5:  # a plain lexicon sentence with a person as its subject: one entity, the rest O
            plan.append(("name", rng.choice(PERSONS), rng.choice(VERBS), rng.choice(PLACES)))
            continue
        per, per2 = rng.sample(PERSONS, 2)
        plan.append(("ner", rng.choice(NER_TEMPLATES), per, per2, rng.choice(ORGANISATIONS), rng.choice(CITIES)))
    return plan


def panx_words(entry: tuple, lang: str) -> list[tuple[str, str]]:
    if entry[0] == "name":
        words = ner_sentence("PER", {"PER": entry[1]}) + [(entry[2][lang], "O")]
        return words + [(w, "O") for w in _split_elision(entry[3][lang])] + [(".", "O")]
    _, template, per, per2, org, city = entry
    return ner_sentence(template[lang], {"PER": per, "PER2": per2, "ORG": org, "LOC": city[lang]})


def make_panx(out: Path, langs: list[str]) -> None:
    plan = panx_plan(random.Random(41))
    for lang in langs:
        lines = []
        for entry in plan:
            lines += [f"{lang}:{word}\t{tag}" for word, tag in panx_words(entry, lang)] + [""]
        write(out / "panx" / lang / "test", lines)


# ---- extractive QA ----------------------------------------------------------------------------
def qa_paragraphs(rng: random.Random, count: int) -> list[list[tuple]]:
    """Per paragraph, its facts: ("place", subject, verb, place) or ("adj", subject, adjective),
    with distinct subjects, verbs and adjectives so that each "who" question has one answer."""
    paragraphs = []
    for _ in range(count):
        subjects = rng.sample(SUBJECTS, 5)
        verbs, adjectives = rng.sample(VERBS, 3), rng.sample(ADJECTIVES, 2)
        facts = [("place", subjects[i], verbs[i], rng.choice(PLACES)) for i in range(3)]
        facts += [("adj", subjects[3 + i], adjectives[i]) for i in range(2)]
        rng.shuffle(facts)
        paragraphs.append(facts)
    return paragraphs


def fact_sentence(fact: tuple, lang: str) -> str:
    words = [w for w, _ in tagged_sentence(fact, lang)]
    return " ".join(words[:-1]).replace("' ", "'") + "."


def question(fact: tuple, lang: str) -> str:
    if fact[0] == "place":
        body = f"{fact[2][lang]} {fact[3][lang]}"
    else:
        body = " ".join(w for w, _ in adjective_words(fact[1], fact[2], lang))
    return f"{QUESTION_WORD[lang]} {body}" + (" ?" if lang == "fr" else "?")


def squad_document(paragraphs: list[list[tuple]], asked: list[list[int]], context_lang: str, question_lang: str,
                   id_prefix: str) -> dict:
    articles = []
    for n, (facts, which) in enumerate(zip(paragraphs, asked)):
        sentences = [fact_sentence(fact, context_lang) for fact in facts]
        context = " ".join(sentences)
        starts = [sum(len(s) + 1 for s in sentences[:i]) for i in range(len(sentences))]
        qas = []
        for k in which:
            answer = subject(facts[k][1], context_lang)
            assert context[starts[k]:starts[k] + len(answer)] == answer
            qas.append({"id": f"{id_prefix}{n + 1:02d}-{k}", "question": question(facts[k], question_lang),
                        "answers": [{"text": answer, "answer_start": starts[k]}]})
        articles.append({"title": f"Demo {n + 1}", "paragraphs": [{"context": context, "qas": qas}]})
    return {"version": "1.0", "data": articles}


def _write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _questions(rng: random.Random, paragraphs: list) -> list[list[int]]:
    return [sorted(rng.sample(range(len(facts)), 3)) for facts in paragraphs]


def make_xquad(out: Path, langs: list[str]) -> None:
    rng = random.Random(42)
    paragraphs = qa_paragraphs(rng, 8)
    asked = _questions(rng, paragraphs)
    for lang in langs:
        _write_json(out / "xquad" / f"xquad.{lang}.json", squad_document(paragraphs, asked, lang, lang, "demo-"))


def make_mlqa(out: Path, langs: list[str]) -> None:
    """``langs`` holds ``l`` (context and question in l) and ``c-q`` pairs (MLQA's G-XLT)."""
    rng = random.Random(43)
    paragraphs = qa_paragraphs(rng, 8)
    asked = _questions(rng, paragraphs)
    for unit in langs:
        context_lang, _, question_lang = unit.partition("-")
        question_lang = question_lang or context_lang
        document = squad_document(paragraphs, asked, context_lang, question_lang, "mlqa-")
        _write_json(out / "mlqa" / f"test-context-{context_lang}-question-{question_lang}.json", document)


def with_indonesian(fact: tuple) -> tuple:
    """The fact with an "id" form in each of its lexicon entries (subjects as (phrase, gender) like fr/es)."""
    def add(entry: dict) -> dict:
        return {**entry, "id": (INDONESIAN[entry["en"]], "n") if entry in SUBJECTS else INDONESIAN[entry["en"]]}

    return (fact[0], *(add(part) for part in fact[1:]))


def make_tydiqa(out: Path, langs: list[str]) -> None:
    rng = random.Random(44)
    paragraphs = [[with_indonesian(fact) for fact in facts] for facts in qa_paragraphs(rng, 8)]
    asked = _questions(rng, paragraphs)
    names = {"en": "english", "id": "indonesian"}
    articles = []
    for lang in langs:
        articles += squad_document(paragraphs, asked, lang, lang, f"{names[lang]}-")["data"]
    _write_json(out / "tydiqa" / "tydiqa-goldp-v1.1-dev.json", {"version": "1.1", "data": articles})
