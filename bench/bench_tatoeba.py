"""End-to-end `harness eval` on the real Tatoeba files vs the pure forward floor and a naive loop.

    python bench/bench_tatoeba.py [--size base|small] [--languages de,fr,...] [--threads N]

(H) harness: run_eval(tatoeba) end to end — data loading, tokenisation, batching, encoding both
    sides, retrieval, results files.
(F) floor: only the model's forward passes over the sentences the harness encodes, in the batches
    it plans (pre-tokenised, pre-padded tensors): every non-English sentence, and each English
    sentence once (the harness reuses the embedding of an English sentence that an earlier
    language's file already had).
(N) naive: fixed batches of 32 in file order, each padded to its longest sentence, tokenised per
    batch, mean-pooled — the loop a user writes first.
Targets (issue 2): H / F <= 1.15 and N / H >= 2, as ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, Timer, build_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="base", choices=["base", "small"])
    parser.add_argument("--languages", default=None, help="comma list (default: all 36)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import numpy as np
    import torch

    from harness.data.sources import resolve_source
    from harness.evaluator.batching import pad_batch, plan_batches
    from harness.evaluator.encode import pool
    from harness.evaluator.evaluate import EvalRequest, run_eval
    from harness.evaluator.runner import DEFAULT_MAX_EXAMPLES, DEFAULT_TOKENS
    from harness.models.model_args import ModelArgs
    from harness.taskfiles.index import TaskIndex

    if args.threads:
        torch.set_num_threads(args.threads)
    task = TaskIndex.load().tasks["tatoeba"]
    langs = args.languages.split(",") if args.languages else list(task.languages)
    source = resolve_source(task, {"tatoeba": str(SHARED / "tatoeba")})
    rows = {lang: source.load(lang) for lang in langs}
    sides = [[r[side] for r in rows[lang]] for lang in langs for side in ("source", "target")]
    n_sentences = sum(len(s) for s in sides)
    seen_english: set[str] = set()
    encoded_sides = []  # what the harness encodes: English sentences once per run
    for lang in langs:
        encoded_sides.append([r["source"] for r in rows[lang]])
        fresh = list(dict.fromkeys(r["target"] for r in rows[lang] if r["target"] not in seen_english))
        seen_english.update(fresh)
        encoded_sides.append(fresh)
    work = Path(tempfile.mkdtemp(prefix="bench-tatoeba-"))
    model_dir = build_model(work / "model", [t for side in sides for t in side], args.size)

    # (H) the harness, end to end
    request = EvalRequest(model=str(model_dir), tasks=["tatoeba"], languages=langs,
                          data_dirs={"tatoeba": str(SHARED / "tatoeba")}, output_path=work / "run",
                          device="cpu", progress=False, model_args=ModelArgs())
    with Timer() as harness_time:
        outcome = run_eval(request)
    assert not outcome.errors, outcome.errors

    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()

    # (F) the floor: the same batches as the harness, forward passes only
    prepared = []
    for texts in encoded_sides:
        enc = tokenizer(texts, truncation=True, max_length=512)
        feats = [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i]} for i in range(len(texts))]
        for batch in plan_batches([len(f["input_ids"]) for f in feats], DEFAULT_TOKENS["cpu"], DEFAULT_MAX_EXAMPLES["cpu"]):
            padded = pad_batch([feats[i] for i in batch], {"input_ids": tokenizer.pad_token_id})
            prepared.append({k: torch.from_numpy(v) for k, v in padded.items()})
    with torch.inference_mode(), Timer() as floor_time:
        for batch in prepared:
            model(**batch)
    padded_tokens_h = sum(int(b["input_ids"].numel()) for b in prepared)
    real_tokens = sum(int(b["attention_mask"].sum()) for b in prepared)

    # (N) the naive loop
    padded_tokens_n = 0
    with torch.inference_mode(), Timer() as naive_time:
        for texts in sides:
            out = []
            for start in range(0, len(texts), 32):
                batch = tokenizer(texts[start:start + 32], padding=True, truncation=True, max_length=512,
                                  return_tensors="pt")
                padded_tokens_n += int(batch["input_ids"].numel())
                hidden = model(**batch, output_hidden_states=True).hidden_states[-1]
                out.append(pool(hidden, batch["attention_mask"], "mean").numpy())
            np.concatenate(out)

    report = {
        "model": f"random BERT-{args.size}", "languages": len(langs), "sentences": n_sentences,
        "sentences_encoded_by_harness": sum(len(s) for s in encoded_sides),
        "real_tokens": real_tokens, "padded_tokens_harness": padded_tokens_h, "padded_tokens_naive": padded_tokens_n,
        "threads": torch.get_num_threads(),
        "harness_s": round(harness_time.seconds, 2), "floor_s": round(floor_time.seconds, 2),
        "naive_s": round(naive_time.seconds, 2),
        "harness_over_floor": round(harness_time.seconds / floor_time.seconds, 3),
        "naive_over_harness": round(naive_time.seconds / harness_time.seconds, 3),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
