"""Make the demo checkpoints behave like (very small) real ones, in seconds on a CPU.

1. Cross-lingual word embeddings from the demo lexicon: every word of a lexicon entry, in any
   language, starts from that entry's random "concept" vector, so translations share a
   representation — the property multilingual pretraining gives real encoders.
2. Each task head is fine-tuned on English training examples only (generated from the lexicon
   with other seeds than the shipped test sets), the zero-shot protocol in miniature.
3. The "intermediate" variant first fine-tunes the encoder on an English intermediate task
   (NLI) and starts every head and the retrieval encoder from there — X-STILTs in miniature, so
   the harness's compare and leaderboard have a real with/without pair to show.

Word embeddings stay frozen while fine-tuning, which keeps the cross-lingual alignment.
"""

from __future__ import annotations

import random
from typing import Callable

import torch

from harness.demo import lexicon
from harness.demo.make_data import pawsx_items, render, xnli_items

EMBEDDING_NORM = 0.5
LEARNING_RATE = 1e-3
BATCH = 16


def _words(tokenizer, text: str) -> list[str]:
    backend = tokenizer.backend_tokenizer
    return [w for w, _ in backend.pre_tokenizer.pre_tokenize_str(backend.normalizer.normalize_str(text))]


def aligned_embeddings(tokenizer, dim: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    table = torch.randn(len(tokenizer), dim, generator=generator) * 0.02
    concepts: dict[int, list[torch.Tensor]] = {}
    entries = [*lexicon.SUBJECTS, *lexicon.VERBS, *lexicon.PLACES, *lexicon.ADJECTIVES, lexicon.COPULA, lexicon.AND]
    for entry in entries:
        concept = torch.randn(dim, generator=generator)
        for value in entry.values():
            for phrase in ([value] if isinstance(value, str) else [v for v in value if len(v) > 1]):
                for word in _words(tokenizer, phrase):
                    token = tokenizer.convert_tokens_to_ids(word)
                    if token != tokenizer.unk_token_id:
                        concepts.setdefault(token, []).append(concept)
    for token, vectors in concepts.items():
        mean = torch.stack(vectors).mean(dim=0)
        table[token] = mean / mean.norm() * EMBEDDING_NORM
    return table


def nli_examples(seed: int) -> list[tuple[str, str, str]]:
    items = [item for k in range(4) for item in xnli_items(random.Random(seed + k))]
    return [(render(p, "en"), render(h, "en"), label) for p, h, label in items]


def paraphrase_examples(seed: int) -> list[tuple[str, str, str]]:
    names = {"0": "not_paraphrase", "1": "paraphrase"}
    return [(render(a, "en"), render(b, "en"), names[label]) for a, b, label in pawsx_items(random.Random(seed), 120)]


# English training sets for the sequence-classification heads, by demo head name.
PAIR_TRAINING: dict[str, Callable[[int], list[tuple[str, str, str]]]] = {
    "xnli": nli_examples,
    "pawsx": paraphrase_examples,
}
INTERMEDIATE_TASK = "xnli"  # the intermediate variant's English intermediate task: NLI


def finetune_pair_classifier(model, tokenizer, examples: list[tuple[str, str, str]], epochs: int, seed: int) -> None:
    label2id = model.config.label2id
    rng = random.Random(seed)
    torch.manual_seed(seed)
    model.get_input_embeddings().weight.requires_grad_(False)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    model.train()
    data = list(examples)
    for _ in range(epochs):
        rng.shuffle(data)
        for start in range(0, len(data), BATCH):
            batch = data[start:start + BATCH]
            inputs = tokenizer([a for a, _, _ in batch], [b for _, b, _ in batch], padding=True, return_tensors="pt")
            labels = torch.tensor([label2id[label] for *_, label in batch])
            model(**inputs, labels=labels).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    model.get_input_embeddings().weight.requires_grad_(True)


def intermediate_encoder_state(tokenizer, config, embeddings: torch.Tensor, seed: int) -> dict:
    """The encoder after English intermediate-task training (NLI), as a state dict."""
    import transformers

    nli = transformers.BertConfig(**{**config.to_dict(), "num_labels": 3,
                                     "id2label": {0: "entailment", 1: "neutral", 2: "contradiction"},
                                     "label2id": {"entailment": 0, "neutral": 1, "contradiction": 2}})
    torch.manual_seed(seed)
    model = transformers.BertForSequenceClassification(nli)
    model.get_input_embeddings().weight.data.copy_(embeddings)
    finetune_pair_classifier(model, tokenizer, nli_examples(500), epochs=6, seed=seed)
    return model.bert.state_dict()
