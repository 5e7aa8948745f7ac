"""Build tiny local checkpoints: the demo model, and the test fixtures' models.

Nothing is downloaded: the tokenizer is a WordPiece vocabulary built with the ``tokenizers``
library from the given texts, the model a small BERT with seeded random weights, saved with
``save_pretrained`` as an ordinary checkpoint folder that loads through the Auto classes.
"""

from __future__ import annotations

import collections
import hashlib
import os
import string
from pathlib import Path
from typing import Iterable, Mapping

from harness import __version__
from harness.fileio import build_directory_once

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
DEMO_CONFIG = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128,
               "max_position_embeddings": 512}


def build_tokenizer(texts: Iterable[str], vocab_size: int = 2000, lowercase: bool = False, model_max_length: int = 512):
    """A BERT-style WordPiece tokenizer whose vocabulary is every character plus the most frequent
    words of ``texts`` (deterministic: ties broken alphabetically)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertTokenizerFast

    normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=False, clean_text=True)
    pre = pre_tokenizers.BertPreTokenizer()
    words: collections.Counter = collections.Counter()
    chars: set[str] = set()
    for text in texts:
        for word, _ in pre.pre_tokenize_str(normalizer.normalize_str(text)):
            words[word] += 1
            chars.update(word)
    vocab = list(SPECIALS)
    for char in sorted(chars | set(string.ascii_letters + string.digits + string.punctuation)):
        vocab += [char, f"##{char}"]
    room = max(0, vocab_size - len(vocab))
    ranked = sorted((w for w in words if len(w) > 1), key=lambda w: (-words[w], w))
    vocab += [w for w in ranked[:room] if w not in vocab]
    ids = {token: i for i, token in enumerate(dict.fromkeys(vocab))}
    tokenizer = Tokenizer(models.WordPiece(vocab=ids, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre
    cls_id, sep_id = ids["[CLS]"], ids["[SEP]"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tokenizer.decoder = decoders.WordPiece()
    return BertTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]", do_lower_case=lowercase, model_max_length=model_max_length,
    )


def make_bert(tokenizer, head: str, labels: list[str] | None = None, seed: int = 0, **config_overrides):
    """A seeded random BERT with the given head ('encoder', 'sequence_classification', …)."""
    import torch
    import transformers

    from harness.models.loading import quiet_transformers

    quiet_transformers()
    settings = {**DEMO_CONFIG, **config_overrides}
    if labels:
        settings["id2label"] = dict(enumerate(labels))
        settings["label2id"] = {label: i for i, label in enumerate(labels)}
    config = transformers.BertConfig(vocab_size=len(tokenizer), **settings)
    classes = {
        "encoder": transformers.BertModel,
        "sequence_classification": transformers.BertForSequenceClassification,
        "token_classification": transformers.BertForTokenClassification,
        "question_answering": transformers.BertForQuestionAnswering,
    }
    torch.manual_seed(seed)
    return classes[head](config)


def build_bert(folder: Path, tokenizer, head: str, labels: list[str] | None = None, seed: int = 0,
               **config_overrides) -> Path:
    """Save a seeded random BERT with the given head as an ordinary checkpoint folder."""
    model = make_bert(tokenizer, head, labels, seed, **config_overrides)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def demo_texts() -> list[str]:
    from harness.demo.lexicon import ADJECTIVES, AND, COPULA, PLACES, SUBJECTS, VERBS

    texts = []
    for table in (SUBJECTS, VERBS, PLACES, ADJECTIVES):
        for entry in table:
            for value in entry.values():
                texts.extend([value] if isinstance(value, str) else [v for v in value if len(v) > 1])
    texts += list(AND.values()) + list(COPULA.values()) + ["es", "está", ". , ' ?"]
    return texts


# What the demo model is made of: one checkpoint per task head, plus the bare encoder.
DEMO_HEADS: Mapping[str, tuple[str, list[str] | None]] = {
    "encoder": ("encoder", None),
    "xnli": ("sequence_classification", ["entailment", "neutral", "contradiction"]),
    "pawsx": ("sequence_classification", ["not_paraphrase", "paraphrase"]),
    "udpos": ("token_classification", ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
                                       "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"]),
    "panx": ("token_classification", ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]),
    "xquad": ("question_answering", None),
    "mlqa": ("question_answering", None),
    "mlqa_gxlt": ("question_answering", None),
    "tydiqa": ("question_answering", None),
}


# --model names of the built-in demo: the plain recipe, and the one with English intermediate
# training (see harness/demo/training.py).
DEMO_VARIANTS = {"demo": "baseline", "demo-intermediate": "intermediate"}


def cache_root() -> Path:
    return Path(os.environ.get("HARNESS_CACHE", Path.home() / ".cache" / "harness")).expanduser()


def demo_fingerprint() -> str:
    from harness.demo import training
    from harness.demo.vl_checkpoints import VL_DEMO_RECIPE

    recipe = repr((__version__, sorted(DEMO_HEADS.items()), sorted(DEMO_CONFIG.items()), demo_texts(),
                   training.LEARNING_RATE, training.EMBEDDING_NORM, sorted(training.PAIR_TRAINING),
                   sorted(training.TAGGING_TRAINING), VL_DEMO_RECIPE))
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def _build_variant(folder: Path, tokenizer, embeddings, variant: str) -> None:
    from harness.demo import training

    start = None
    if variant == "intermediate":
        config = make_bert(tokenizer, "encoder").config
        start = training.intermediate_encoder_state(tokenizer, config, embeddings, seed=7)
    trained: dict[tuple, dict] = {}  # QA heads share one English SQuAD-style training run
    for seed, (name, (head, labels)) in enumerate(sorted(DEMO_HEADS.items())):
        model = make_bert(tokenizer, head, labels, seed=seed)
        if start is not None:  # heads without a pooler (tagging, QA) take the rest of the encoder
            own = model.base_model.state_dict()
            model.base_model.load_state_dict({k: v for k, v in start.items() if k in own}, strict=False)
        else:
            model.get_input_embeddings().weight.data.copy_(embeddings)
        key = ("squad",) if head == "question_answering" else (name,)
        if key in trained:
            model.load_state_dict(trained[key])
        elif training.train_head(name, head, model, tokenizer, seed) is not None:
            trained[key] = model.state_dict()
        model.save_pretrained(folder / name)
        tokenizer.save_pretrained(folder / name)


def ensure_demo_checkpoints(variant: str = "baseline", root: Path | None = None) -> dict[str, Path]:
    """Build the demo checkpoints once (atomically: built aside, then renamed into place) and
    return the folders of one variant, by demo head name. The vision-language demo checkpoints
    are the same in every variant (intermediate training is a text-encoder recipe here)."""
    from harness.demo.training import aligned_embeddings
    from harness.demo.vl_checkpoints import build_vl_demo, vl_demo_folders

    def build(staging: Path) -> None:
        import torch

        # Tiny matrices: one thread is fastest, and spares a busy machine's cores.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            build_all(staging)
        finally:
            torch.set_num_threads(threads)

    def build_all(staging: Path) -> None:
        tokenizer = build_tokenizer(demo_texts())
        embeddings = aligned_embeddings(tokenizer, DEMO_CONFIG["hidden_size"], seed=0)
        for name in sorted(set(DEMO_VARIANTS.values())):
            _build_variant(staging / name, tokenizer, embeddings, name)
        build_vl_demo(staging)

    target = build_directory_once((root or cache_root()) / f"demo-{demo_fingerprint()}", build)
    return {**{name: target / variant / name for name in DEMO_HEADS}, **vl_demo_folders(target)}
