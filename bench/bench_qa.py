"""Extractive QA on the real XQuAD files: `harness eval` end to end vs the pure forward floor.

    python bench/bench_qa.py [--size base|small] [--languages de,en,...] [--max-questions N]
                             [--device cpu|cuda] [--threads N] [--repeat N] [--json FILE]

(H) harness: run_eval(xquad) end to end — reading the SQuAD JSON, question truncation, context
    windows (max_length 384, doc_stride 128), batching, forward passes, n-best span search, EM/F1,
    samples and submission files. Model loading is timed separately (load_s) and included in H.
(F) floor: only the model's forward passes over the same windows, in the same batches the harness
    plans (pre-tokenised, pre-padded tensors already on the device).
Target (issue 3): H / F <= 1.2 over the 11 XTREME languages × 1,190 questions.

The model is a random-weight BERT (base: 768 × 12 layers) with a QA head; its WordPiece
vocabulary is trained on the XQuAD text itself so that window counts are realistic.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, SIZES, train_wordpiece  # noqa: E402


def sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="base", choices=sorted(SIZES))
    parser.add_argument("--languages", default=None, help="comma list (default: the 11 XTREME languages)")
    parser.add_argument("--max-questions", type=int, default=None, help="first N questions per language")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1,
                        help="alternate harness and floor runs N times and keep the fastest of each (noisy hosts)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import torch

    from harness.data.sources import resolve_source
    from harness.demo.checkpoints import build_bert
    from harness.evaluator.batching import pad_batch, plan_batches
    from harness.evaluator.evaluate import EvalRequest, run_eval
    from harness.evaluator.qa_windows import build_qa_inputs
    from harness.evaluator.runner import DEFAULT_MAX_EXAMPLES, DEFAULT_TOKENS
    from harness.kinds import get_kind
    from harness.models.loading import load_model, resolve_device
    from harness.models.model_args import ModelArgs
    from harness.taskfiles.index import TaskIndex

    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    task = TaskIndex.load().tasks["xquad"]
    langs = args.languages.split(",") if args.languages else list(task.languages)
    data_dirs = {"xquad": str(SHARED / "xquad")}
    source = resolve_source(task, data_dirs)
    kind = get_kind(task.kind)
    rows = {lang: kind.limit_rows(source.load(lang), args.max_questions) for lang in langs}
    texts = sorted({text for lang in langs for r in rows[lang] for text in (r["context"], r["question"])})
    work = Path(tempfile.mkdtemp(prefix="bench-qa-"))
    model_dir = build_bert(work / "model", train_wordpiece(texts), "question_answering", seed=0,
                           max_position_embeddings=512, **SIZES[args.size])

    with Timer() as load_time:
        loaded = load_model(str(model_dir), "question_answering", ModelArgs(), device)

    # (F) the floor: the same windows in the same batches, forward passes only
    settings = {"max_length": 384, "doc_stride": 128, "max_query_length": 64}
    kind_tokens = "cuda" if device.type == "cuda" else "cpu"
    prepared, windows, real_tokens = [], 0, 0
    for lang in langs:
        inputs = build_qa_inputs(loaded.tokenizer, [r["question"] for r in rows[lang]],
                                 [r["context"] for r in rows[lang]], **settings)
        features = inputs.features
        windows += len(features)
        lengths = [len(f["input_ids"]) for f in features]
        real_tokens += sum(lengths)
        for batch in plan_batches(lengths, DEFAULT_TOKENS[kind_tokens], DEFAULT_MAX_EXAMPLES[kind_tokens]):
            padded = pad_batch([features[i] for i in batch], {"input_ids": loaded.tokenizer.pad_token_id})
            prepared.append({k: torch.from_numpy(v).to(device) for k, v in padded.items()})
    model = loaded.model
    with torch.inference_mode():
        model(**prepared[0])  # warm-up (kernels, allocator), as the harness's first batch also pays it
        sync(device)

    def floor() -> float:
        with torch.inference_mode(), Timer() as floor_time:
            for batch in prepared:
                model(**batch)
            sync(device)
        return floor_time.seconds

    # (H) the harness, end to end (each repeat recomputes every unit)
    def harness() -> float:
        request = EvalRequest(model=str(model_dir), tasks=["xquad"], languages=langs, data_dirs=data_dirs,
                              output_path=work / "run", device=str(device), limit=args.max_questions,
                              progress=False, overwrite=True)
        with Timer() as harness_time:
            outcome = run_eval(request)
            sync(device)
        assert not outcome.errors, outcome.errors
        return harness_time.seconds

    floor_runs, harness_runs = [], []
    for _ in range(args.repeat):
        harness_runs.append(harness())
        floor_runs.append(floor())
    harness_s, floor_s = min(harness_runs), min(floor_runs)

    results = json.loads((work / "run" / "results.json").read_text())["results"]["xquad"]
    report = {
        "model": f"random BERT-{args.size} QA", "device": str(device), "threads": torch.get_num_threads(),
        "languages": len(langs), "questions": sum(len(r) for r in rows.values()), "windows": windows,
        "real_tokens": real_tokens, "padded_tokens": sum(int(b["input_ids"].numel()) for b in prepared),
        "load_s": round(load_time.seconds, 2), "harness_s": round(harness_s, 2), "floor_s": round(floor_s, 2),
        "harness_runs_s": [round(t, 2) for t in harness_runs], "floor_runs_s": [round(t, 2) for t in floor_runs],
        "harness_over_floor": round(harness_s / floor_s, 3),
        "harness_minus_load_over_floor": round((harness_s - load_time.seconds) / floor_s, 3),
        "f1_sanity": {lang: results[lang]["f1"] for lang in langs},
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


if __name__ == "__main__":
    main()
