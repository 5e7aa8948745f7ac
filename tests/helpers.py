"""Test helpers: a tokenizer trained with the tokenizers library, and running the CLI in-process."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

FIXTURE_TEXT = [
    "The cat sleeps in the garden.", "Die Katze schläft im Garten.", "Le chat dort dans le jardin.",
    "El gato duerme en el jardín.", "A man is reading a newspaper.", "Ein Mann liest eine Zeitung.",
    "Un homme lit un journal.", "Un hombre lee un periódico.", "Tom needs water.", "Tom braucht Wasser.",
    "Where is the station?", "Wo ist der Bahnhof?", "Où est la gare ?", "¿Dónde está la estación?",
    "中文 句子 测试", "日本語の文", "Привет, как дела?", "مرحبا بالعالم",
]


def train_tokenizer(texts=None, vocab_size: int = 400):
    """A WordPiece tokenizer trained on fixture text, wrapped as a transformers BERT tokenizer."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertTokenizerFast

    texts = list(texts or FIXTURE_TEXT)
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size,
                                        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tokenizer.train_from_iterator(texts * 3, trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tokenizer.decoder = decoders.WordPiece()
    return BertTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                             sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run ``harness ARGS`` in this process; returns exit code, stdout and stderr."""
    from harness.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def write_hub_mirror(folder, configs: dict) -> None:
    """A local parquet mirror of a hub dataset: ``configs = {config: {split: [rows]}}``, with the
    README ``configs:`` header that datasets.load_dataset(folder, config) reads like the hub."""
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    header = ["---", "configs:"]
    for config, splits in configs.items():
        header.append(f"- config_name: {config}")
        header.append("  data_files:")
        for split, rows in splits.items():
            (folder / config).mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows), folder / config / f"{split}-00000-of-00001.parquet")
            header += [f"  - split: {split}", f"    path: {config}/{split}-*"]
    header.append("---")
    (folder / "README.md").write_text("\n".join(header) + "\n", encoding="utf-8")
