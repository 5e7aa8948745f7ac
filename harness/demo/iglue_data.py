"""Demo sample sets for the IGLUE tasks, in IGLUE's release layouts, about synthetic pictures of
coloured shapes; written by ``python -m harness.demo.make_data`` (called from its main()).

Only annotations are committed: ``iglue_images.json`` says which colour and shape each image
file shows, and :func:`harness.demo.vl_checkpoints.ensure_demo_images` draws them into the cache.
The sentences come from the small table below (written for this project), so each caption,
hypothesis, question and statement is true or false of its picture by construction.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

# colour: (English, then the adjective agreeing with "the shape" in de/fr/es/id/tr)
COLOURS = {
    "red": {"de": "rot", "fr": "rouge", "es": "roja", "id": "merah", "tr": "kırmızı"},
    "blue": {"de": "blau", "fr": "bleue", "es": "azul", "id": "biru", "tr": "mavi"},
    "green": {"de": "grün", "fr": "verte", "es": "verde", "id": "hijau", "tr": "yeşil"},
    "yellow": {"de": "gelb", "fr": "jaune", "es": "amarilla", "id": "kuning", "tr": "sarı"},
}
# shape: the noun phrase as the object of "shows" / "there is"
SHAPES = {
    "circle": {"en": "a circle", "de": "einen Kreis", "fr": "un cercle", "es": "un círculo", "id": "lingkaran",
               "tr": "bir daire"},
    "square": {"en": "a square", "de": "ein Quadrat", "fr": "un carré", "es": "un cuadrado", "id": "persegi",
               "tr": "bir kare"},
    "triangle": {"en": "a triangle", "de": "ein Dreieck", "fr": "un triangle", "es": "un triángulo",
                 "id": "segitiga", "tr": "bir üçgen"},
}
SHOWS = {"en": "The picture shows {shape}.", "de": "Das Bild zeigt {shape}.", "fr": "L'image montre {shape}.",
         "es": "La imagen muestra {shape}.", "id": "Gambar ini menunjukkan {shape}.", "tr": "Resimde {shape} var."}
SHAPE_IS = {"en": "The shape is {colour}.", "de": "Die Form ist {colour}.", "fr": "La forme est {colour}.",
            "es": "La figura es {colour}.", "id": "Bentuknya {colour}.", "tr": "Şekil {colour}."}
NEUTRAL = {"en": "The picture was taken yesterday.", "fr": "La photo a été prise hier.",
           "es": "La foto fue tomada ayer."}
WHAT_COLOUR = {"en": "What color is the shape?", "de": "Welche Farbe hat die Form?"}
WHAT_SHAPE = {"en": "What shape is shown?", "de": "Welche Form ist zu sehen?"}
BOTH_SHOW = {"en": "Both pictures show {shape}.", "id": "Kedua gambar menunjukkan {shape}.",
             "tr": "İki resimde de {shape} var."}

MANIFEST = {"xvnli": ["en", "es", "fr"], "xgqa": ["de", "en"], "marvl": ["en", "id", "tr"],
            "xflickrco": ["de", "en", "es"], "wit": ["en", "id", "tr"]}


def colour_word(colour: str, lang: str) -> str:
    return colour if lang == "en" else COLOURS[colour][lang]


def caption(colour: str, shape: str, lang: str) -> str:
    return f"{SHOWS[lang].format(shape=SHAPES[shape][lang])} {SHAPE_IS[lang].format(colour=colour_word(colour, lang))}"


def pictures(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = [(c, s) for c in COLOURS for s in SHAPES]
    rng.shuffle(pairs)
    return [pairs[i % len(pairs)] for i in range(count)]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def make_xvnli(out: Path, images: dict) -> None:
    rng = random.Random(41)
    items = []
    for n, (colour, shape) in enumerate(pictures(rng, 6)):
        other = rng.choice([c for c in COLOURS if c != colour])
        image_id = f"90{n:04d}"
        images["xvnli"][f"{image_id}.jpg"] = [colour, shape]
        items += [(image_id, colour, "entailment"), (image_id, other, "contradiction"), (image_id, None, "neutral")]
    items.append((items[0][0], None, "-"))  # an unlabelled pair, kept in the denominator as in XVNLI
    for lang in MANIFEST["xvnli"]:
        records = []
        for k, (image_id, colour, label) in enumerate(items):
            hypothesis = NEUTRAL[lang] if colour is None else SHAPE_IS[lang].format(colour=colour_word(colour, lang))
            records.append({"gold_label": label, "sentence1": caption(*images["xvnli"][f"{image_id}.jpg"], "en"),
                            "sentence2": hypothesis, "captionID": f"{image_id}.jpg#0", "pairID": f"{image_id}.jpg#0r{k}",
                            "Flikr30kID": image_id})
        write_jsonl(out / "xvnli" / "XVNLI" / lang / "test.jsonl", records)


def make_xgqa(out: Path, images: dict) -> None:
    rng = random.Random(42)
    shown = pictures(rng, 8)
    for lang in MANIFEST["xgqa"]:
        questions = {}
        for n, (colour, shape) in enumerate(shown):
            image_id = f"n90{n:04d}"
            images["xgqa"][f"{image_id}.jpg"] = [colour, shape]
            questions[f"9{n:03d}0"] = {"question": WHAT_COLOUR[lang], "imageId": image_id, "answer": colour,
                                       "fullAnswer": f"The shape is {colour}."}
            questions[f"9{n:03d}1"] = {"question": WHAT_SHAPE[lang], "imageId": image_id, "answer": shape,
                                       "fullAnswer": f"It is {SHAPES[shape]['en']}."}
        path = out / "xgqa" / "xGQA" / lang / "test.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(questions, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def make_nlvr2(out: Path, images: dict) -> None:
    """MaRVL's English: an NLVR2-style test file (IGLUE's nlvr2/annotations/test.jsonl), whose
    images are named after the identifier: test1-{set}-{pair}-{sentence} → test1-{set}-{pair}-img0.png."""
    rng = random.Random(42 + len(MANIFEST["marvl"]))
    shown = pictures(rng, 10)
    records = []
    for n in range(10):
        left, right = shown[n], shown[(n + 1 + n % 2) % 10]
        stem = f"test1-{n // 4}-{n % 4}"
        for k, picture in enumerate([left, right]):
            images["marvl"][f"nlvr2/test1/{stem}-img{k}.png"] = list(picture)
        shape = left[1] if n % 3 else rng.choice(list(SHAPES))
        records.append({"sentence": BOTH_SHOW["en"].format(shape=SHAPES[shape]["en"]), "identifier": f"{stem}-0",
                        "label": str(left[1] == shape and right[1] == shape), "left_url": f"https://example.org/{stem}-0.jpg",
                        "right_url": f"https://example.org/{stem}-1.jpg", "synset": "demo", "query": "demo shapes"})
    write_jsonl(out / "marvl" / "nlvr2" / "annotations" / "test.jsonl", records)


def make_marvl(out: Path, images: dict) -> None:
    make_nlvr2(out, images)
    for i, lang in enumerate(lang for lang in MANIFEST["marvl"] if lang != "en"):
        rng = random.Random(43 + i)
        concept = "1-Bentuk" if lang == "id" else "1-Şekil"
        shown = pictures(rng, 10)
        records = []
        for n in range(10):
            left, right = shown[n], shown[(n + 1 + n % 2) % 10]
            for k, (colour, shape) in enumerate([left, right]):
                # The same file names in every language, other pictures: MaRVL's layout.
                images["marvl"][f"{lang}/images/{concept}/1-{2 * n + k}.jpg"] = [colour, shape]
            shape = left[1] if n % 3 else rng.choice(list(SHAPES))
            records.append({"concept": concept, "language": lang, "caption": BOTH_SHOW[lang].format(shape=SHAPES[shape][lang]),
                            "left_img": f"1-{2 * n}.jpg", "right_img": f"1-{2 * n + 1}.jpg", "chapter": "Demo",
                            "id": f"{lang}-{n}", "label": left[1] == shape and right[1] == shape})
        write_jsonl(out / "marvl" / "marvl" / f"marvl-{lang}.jsonl", records)


def make_xflickrco(out: Path, images: dict) -> None:
    rng = random.Random(44)
    shown = pictures(rng, 12)
    names = [f"9{n:08d}.jpg" if n < 6 else f"COCO_val2014_{900000 + n:012d}.jpg" for n in range(12)]
    for name, picture in zip(names, shown):
        images["xflickrco"][name] = list(picture)
    for lang in MANIFEST["xflickrco"]:
        records = [{"sentences": [caption(colour, shape, lang)], "id": name[:-4] if n < 6 else 900000 + n,
                    "img_path": name} for n, (name, (colour, shape)) in enumerate(zip(names, shown))]
        write_jsonl(out / "xflickrco" / "xFlickrCO" / lang / "test.jsonl", records)


def make_wit(out: Path, images: dict) -> None:
    for i, lang in enumerate(MANIFEST["wit"]):
        rng = random.Random(45 + i)
        records = []
        for n, (colour, shape) in enumerate(pictures(rng, 10)):
            name = f"Demo_{shape}_{colour}_{lang}_{n}.png"
            images["wit"][name] = [colour, shape]
            records.append({"image_idx": n, "image_url": f"https://upload.wikimedia.org/wikipedia/commons/0/00/{name}",
                            "caption_reference_description": caption(colour, shape, lang), "language": lang,
                            "page_url": f"https://{lang}.wikipedia.org/wiki/Demo", "wit_ix": f"wit-demo_{lang}_{n}"})
        write_jsonl(out / "wit" / "wit" / f"test_{lang}.jsonl", records)


def make_iglue(out: Path) -> None:
    images: dict[str, dict] = {task: {} for task in MANIFEST}
    make_xvnli(out, images)
    make_xgqa(out, images)
    make_marvl(out, images)
    make_xflickrco(out, images)
    make_wit(out, images)
    ordered = {task: dict(sorted(files.items())) for task, files in images.items()}
    (out / "iglue_images.json").write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def demo_texts() -> list[str]:
    """Every word the demo's vision-language tokenizers need."""
    texts = [caption(c, s, lang) for c in COLOURS for s in SHAPES for lang in SHOWS]
    texts += list(NEUTRAL.values()) + list(WHAT_COLOUR.values()) + list(WHAT_SHAPE.values())
    texts += [t.format(shape=SHAPES[s][lang]) for lang, t in BOTH_SHOW.items() for s in SHAPES]
    texts += list(COLOURS) + list(SHAPES) + ["yes", "no", "maybe", "Hypothesis", "Statement", "Answer", "USER",
                                             "ASSISTANT", "true", "false", "image", "images", "question"]
    return texts
