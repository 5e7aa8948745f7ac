"""Helpers shared by the benchmark scripts: a realistic-size random model and a trained tokenizer."""

from __future__ import annotations

import os
import time
from pathlib import Path

SHARED = Path(os.environ.get("HARNESS_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

SIZES = {
    # BERT-base / XLM-R-base shapes; random weights time the same as trained ones.
    "base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072},
    # XLM-R Large shapes (24 layers, 1024 hidden): the GPU figures of issue 7.
    "large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096},
    "small": {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024},
}


def train_wordpiece(texts, vocab_size: int = 30000):
    """A WordPiece tokenizer trained on the benchmark's own text, so sub-word lengths are realistic."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], show_progress=False))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tok.decoder = decoders.WordPiece()
    return BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                             sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)


def build_model(folder: Path, texts, size: str, head: str = "encoder", labels=None) -> Path:
    from harness.demo.checkpoints import build_bert

    tokenizer = train_wordpiece(texts)
    return build_bert(folder, tokenizer, head, labels, seed=0, max_position_embeddings=512, **SIZES[size])


def synchronize() -> None:
    """Wait for queued GPU work, so a timer measures it (a no-op on CPU)."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


class Timer:
    def __enter__(self):
        synchronize()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        synchronize()
        self.seconds = time.perf_counter() - self.start


def encoder_flops(batches, hidden: int, layers: int, intermediate: int) -> float:
    """Forward FLOPs of a BERT-shaped encoder over padded batches (what the GPU computes): per
    layer and token 2 × (4h² + 2h·i) for the projections and feed-forward, plus 4·s·h for the
    attention scores and their weighted sum over a padded length s."""
    total = 0.0
    for batch in batches:
        b, s = batch["input_ids"].shape
        total += layers * b * s * (2 * (4 * hidden * hidden + 2 * hidden * intermediate) + 4 * s * hidden)
    return total
