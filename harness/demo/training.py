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


# ---- token tagging (UD-POS, PAN-X) and extractive QA ---------------------------------------------
def _flatten_contractions(words: list) -> list[tuple[str, str]]:
    out = []
    for form, tag in words:
        out += list(tag) if isinstance(tag, tuple) else [(form, tag)]
    return out


def upos_examples(seed: int) -> list[list[tuple[str, str]]]:
    from harness.demo.make_data import sentence_items
    from harness.demo.make_structured import tagged_sentence

    return [_flatten_contractions(tagged_sentence(item, "en")) for item in sentence_items(random.Random(seed), 150)]


def ner_examples(seed: int) -> list[list[tuple[str, str]]]:
    from harness.demo.make_structured import panx_plan, panx_words

    return [panx_words(entry, "en") for entry in panx_plan(random.Random(seed), 150)]


def squad_examples(seed: int) -> list[tuple[str, str, int, str]]:
    """(question, context, answer_start, answer_text) in English, SQuAD-style."""
    from harness.demo.make_structured import qa_paragraphs, squad_document

    rng = random.Random(seed)
    paragraphs = qa_paragraphs(rng, 40)
    asked = [list(range(len(facts))) for facts in paragraphs]
    out = []
    for article in squad_document(paragraphs, asked, "en", "en", "train-")["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                out.append((qa["question"], paragraph["context"], answer["answer_start"], answer["text"]))
    return out


TAGGING_TRAINING: dict[str, Callable[[int], list]] = {"udpos": upos_examples, "panx": ner_examples}
QA_TRAINING = squad_examples  # every QA head: English SQuAD-style training, as XTREME's protocol


def _train(model, batches, epochs: int, seed: int) -> None:
    """AdamW over ``batches()`` (a fresh, shuffled list of (inputs, targets) per epoch)."""
    torch.manual_seed(seed)
    model.get_input_embeddings().weight.requires_grad_(False)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    model.train()
    for epoch in range(epochs):
        for inputs in batches(epoch):
            model(**inputs).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    model.get_input_embeddings().weight.requires_grad_(True)


def finetune_tagger(model, tokenizer, sentences: list[list[tuple[str, str]]], epochs: int, seed: int) -> None:
    """Labels on each word's first sub-token (XTREME's convention), -100 elsewhere."""
    label2id = model.config.label2id
    rng = random.Random(seed)
    data = list(sentences)

    def batches(epoch):
        rng.shuffle(data)
        for start in range(0, len(data), BATCH):
            chunk = data[start:start + BATCH]
            enc = tokenizer([[w for w, _ in s] for s in chunk], is_split_into_words=True, padding=True,
                            return_tensors="pt")
            labels = torch.full(enc["input_ids"].shape, -100)
            for row, sentence in enumerate(chunk):
                seen = set()
                for position, word in enumerate(enc.word_ids(row)):
                    if word is not None and word not in seen:
                        seen.add(word)
                        labels[row, position] = label2id[sentence[word][1]]
            yield {**enc, "labels": labels}

    _train(model, batches, epochs, seed)


def finetune_qa(model, tokenizer, examples: list[tuple[str, str, int, str]], epochs: int, seed: int) -> None:
    rng = random.Random(seed)
    data = list(examples)

    def batches(epoch):
        rng.shuffle(data)
        for start in range(0, len(data), BATCH):
            chunk = data[start:start + BATCH]
            enc = tokenizer([q for q, *_ in chunk], [c for _, c, *_ in chunk], padding=True, truncation="only_second",
                            max_length=256, return_offsets_mapping=True, return_tensors="pt")
            starts, ends = [], []
            for row, (_, _, begin, text) in enumerate(chunk):
                end = begin + len(text)
                sequence = enc.sequence_ids(row)
                offsets = enc["offset_mapping"][row].tolist()
                tokens = [i for i, (s, e) in enumerate(offsets) if sequence[i] == 1 and s < end and e > begin]
                starts.append(tokens[0])
                ends.append(tokens[-1])
            inputs = {k: v for k, v in enc.items() if k != "offset_mapping"}
            yield {**inputs, "start_positions": torch.tensor(starts), "end_positions": torch.tensor(ends)}

    _train(model, batches, epochs, seed)


def train_head(name: str, head: str, model, tokenizer, seed: int) -> str | None:
    """Fine-tune one demo head on its English data; returns the recipe name (None: left untrained)."""
    if head == "sequence_classification" and name in PAIR_TRAINING:
        finetune_pair_classifier(model, tokenizer, PAIR_TRAINING[name](100 + seed), epochs=12, seed=seed)
        return name
    if head == "token_classification" and name in TAGGING_TRAINING:
        finetune_tagger(model, tokenizer, TAGGING_TRAINING[name](200 + seed), epochs=8, seed=seed)
        return name
    if head == "question_answering":
        finetune_qa(model, tokenizer, QA_TRAINING(300), epochs=10, seed=seed)
        return "squad"
    return None
