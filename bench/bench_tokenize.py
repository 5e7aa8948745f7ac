"""Tokenisation is not the bottleneck: the real Tatoeba sentences tokenised cold (the batched
fast tokenizer, all cores) and warm (read back from the on-disk token cache), against the forward
time of the same sentences.

    python bench/bench_tokenize.py [--size base|small] [--languages de,fr,...]

``cold_s``: harness.evaluator.token_cache.tokenize on an empty cache (Rust thread pool), including
writing the cache file, as a first run pays it; ``warm_s``: the same call again (the cache hit a
re-run, a resumed run or another fine-tuned head of the same base model gets);
``single_thread_s`` and ``all_threads_s``: tokenisation alone (``HARNESS_TOKEN_CACHE=0``, no cache
file read or written) with the Rust pool held to one thread and left at every core, to show what
the parallel tokenisation saves; ``forward_s``: the model's forward passes over the same
sentences in the harness's batches. Shares are of cold tokenisation + forward.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, Timer, build_model  # noqa: E402


def sentences(languages: list[str] | None) -> list[str]:
    texts = []
    for path in sorted((SHARED / "tatoeba").glob("tatoeba.*-eng.*")):
        code = path.name.split(".")[1].split("-")[0]
        if languages and code not in languages:
            continue
        texts += path.read_text(encoding="utf-8").splitlines()
    return texts


def time_tokenize(model_dir: Path, texts_file: Path, cache: Path, threads: int | None,
                  use_cache: bool = True) -> float:
    """Cold or warm tokenisation in a fresh process (so the Rust pool size can be set);
    ``use_cache=False`` times tokenising alone, without the cache file."""
    env = {**os.environ, "HARNESS_CACHE": str(cache), "HARNESS_TOKEN_CACHE": "1" if use_cache else "0"}
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    code = ("import sys,time,json;from transformers import AutoTokenizer;"
            "from harness.evaluator.token_cache import tokenize;"
            f"t=AutoTokenizer.from_pretrained({str(model_dir)!r});"
            f"x=json.load(open({str(texts_file)!r}));s=time.perf_counter();tokenize(t,x);"
            "print(time.perf_counter()-s)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="base", choices=["small", "base"])
    parser.add_argument("--languages", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import torch
    from transformers import AutoModel, AutoTokenizer

    from harness.evaluator.batching import pad_batch, plan_batches
    from harness.evaluator.runner import DEFAULT_MAX_EXAMPLES, DEFAULT_TOKENS
    from harness.evaluator.token_cache import tokenize

    texts = sentences(args.languages.split(",") if args.languages else None)
    work = Path(tempfile.mkdtemp(prefix="bench-tokenize-"))
    model_dir = build_model(work / "model", texts, args.size)
    texts_file = work / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    single = time_tokenize(model_dir, texts_file, work / "cache-single", threads=1, use_cache=False)
    parallel = time_tokenize(model_dir, texts_file, work / "cache-single", threads=None, use_cache=False)
    cold = time_tokenize(model_dir, texts_file, work / "cache", threads=None)
    warm = time_tokenize(model_dir, texts_file, work / "cache", threads=None)

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    os.environ["HARNESS_TOKEN_CACHE"] = "0"
    features = tokenize(tokenizer, texts)
    lengths = [len(f["input_ids"]) for f in features]
    batches = [pad_batch([features[i] for i in b], {"input_ids": tokenizer.pad_token_id})
               for b in plan_batches(lengths, DEFAULT_TOKENS["cpu"], DEFAULT_MAX_EXAMPLES["cpu"])]
    with torch.inference_mode(), Timer() as forward:
        for batch in batches:
            model(**{k: torch.from_numpy(v) for k, v in batch.items()})
    report = {"sentences": len(texts), "model": f"random BERT-{args.size}", "cores": os.cpu_count(),
              "single_thread_s": round(single, 2), "all_threads_s": round(parallel, 2), "cold_s": round(cold, 2),
              "warm_s": round(warm, 3),
              "forward_s": round(forward.seconds, 2),
              "cold_share": round(cold / (cold + forward.seconds), 4),
              "warm_share": round(warm / (warm + forward.seconds), 4)}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
