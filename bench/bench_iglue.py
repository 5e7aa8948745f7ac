"""Benchmark the IGLUE image pipeline: images per second for each model family, and where the
time goes (decoding + preprocessing in DataLoader workers vs the model), with 0 and >0 workers.

Synthetic JPEGs (default 224 px) are written to a temporary folder; randomly initialised models
of each family are built at a configurable size with 224 px vision towers; the real task kinds
run over them (XVNLI-style classification with a ViLT head, xFlickr&CO-style retrieval with a
CLIP dual encoder, XVNLI multiple choice with a LLaVA). Nothing is downloaded.

    PYTHONPATH=. python bench/bench_iglue.py --images 64 --workers 0,2 [--device cuda] [--output bench.json]

Columns: ``img/s`` = images through the image pipeline per second of its wall time; ``prep_s``
= seconds spent decoding and preprocessing (in workers when workers > 0); ``model_s`` = seconds
in forward passes; ``decode share`` = prep_s / (prep_s + model_s), the decoding's part of the
work; ``stall`` = share of the pipeline's wall time the model waited for a batch.
With workers > 0 the decoding should hide behind the model (stall near 0).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FAMILIES = ("classifier", "dual_encoder", "generative")
WORDS = "a red blue green circle square triangle man woman dog is in the park picture shows yes no maybe".split()


def write_jpegs(folder: Path, count: int, size: int) -> list[str]:
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(0)
    names = []
    for n in range(count):
        pixels = (rng.random((size, size, 3)) * 60 + 100).astype("uint8")  # noise: JPEG cannot shortcut it
        image = Image.fromarray(pixels)
        ImageDraw.Draw(image).ellipse((size // 5, size // 5, size - size // 5, size - size // 5),
                                      fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
        name = f"{1000 + n}.jpg"
        image.save(folder / name, format="JPEG", quality=90)
        names.append(name)
    return names


def build_models(folder: Path, hidden: int, layers: int, image_px: int) -> dict[str, Path]:
    from harness.demo import vl_checkpoints as vl
    from tests.helpers import train_tokenizer

    dims = {"hidden_size": hidden, "intermediate_size": 4 * hidden, "num_hidden_layers": layers,
            "num_attention_heads": max(1, hidden // 64)}
    texts = [" ".join(WORDS)] * 4 + ["Hypothesis: Is the hypothesis true given the image? Answer yes, no or maybe."]
    tokenizer = train_tokenizer(texts, vocab_size=300)
    return {
        "classifier": vl.build_vilt(folder / "vilt", tokenizer, ["entailment", "neutral", "contradiction"],
                                    image_size=image_px, patch_size=32, dims=dims),
        "dual_encoder": vl.build_dual_encoder(folder / "clip", tokenizer, image_size=image_px, patch_size=16, dims=dims),
        "generative": vl.build_llava(folder / "llava", vl.causal_tokenizer(texts), image_size=image_px, patch_size=16,
                                     dims=dims),
    }


def rows_for(names: list[str]) -> list[dict]:
    return [{"id": str(n), "images": [name], "image_key": name, "hypothesis": "the picture shows a red circle",
             "caption": "a man is in the park with a dog", "label": "entailment"} for n, name in enumerate(names)]


def run_family(family: str, checkpoint: Path, rows, image_dir: Path, workers: int, device: str,
               batch_size: int | None) -> dict:
    import torch

    from harness.data.images import FolderImages
    from harness.data.records import LanguageData
    from harness.evaluator.runner import InferenceRunner
    from harness.kinds import get_kind
    from harness.models.model_args import ModelArgs
    from harness.models.vision_language.loading import load_vision_language
    from harness.taskfiles.index import TaskIndex

    task = TaskIndex.load().tasks["xflickrco" if family == "dual_encoder" else "xvnli"]
    kind = get_kind(task.kind)
    loaded = load_vision_language(str(checkpoint), "vision_language", ModelArgs(), torch.device(device))
    store = FolderImages(image_dir)
    warm = LanguageData(task.task, "en", "test", rows[:4], "bench", images=store)
    kind.predict(task, warm, loaded, InferenceRunner(torch.device(device), batch_size=2, progress=False))
    data = LanguageData(task.task, "en", "test", rows, "bench", images=store)
    runner = InferenceRunner(torch.device(device), batch_size=batch_size, num_workers=workers, progress=False)
    started = time.perf_counter()
    kind.predict(task, data, loaded, runner)
    wall = time.perf_counter() - started
    t = runner.timings
    pipeline = t["wait_s"] + t["model_s"]
    return {"family": family, "workers": workers, "images": t["examples"], "wall_s": round(wall, 3),
            "images_per_s": round(t["examples"] / pipeline, 2) if pipeline else None,
            "prep_s": round(t["prep_s"], 3), "model_s": round(t["model_s"], 3), "wait_s": round(t["wait_s"], 3),
            "stall_share": round(t["wait_s"] / pipeline, 3) if pipeline else None,
            "prep_share_of_work": round(t["prep_s"] / (t["prep_s"] + t["model_s"]), 3) if t["model_s"] else None}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--image_px", type=int, default=224)
    parser.add_argument("--hidden", type=int, default=128, help="hidden size of every tower")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--workers", default="0,2", help="comma-separated DataLoader worker counts")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch_size", type=int, default=8, help="examples per batch (0: the token budget)")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    from harness.models.loading import quiet_transformers

    quiet_transformers()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "images").mkdir()
        rows = rows_for(write_jpegs(tmp / "images", args.images, args.image_px))
        models = build_models(tmp / "models", args.hidden, args.layers, args.image_px)
        for family in args.families.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                results.append(run_family(family, models[family], rows, tmp / "images", workers, args.device,
                                          args.batch_size or None))
                print(json.dumps(results[-1]), file=sys.stderr)
    header = "| family | workers | img/s | prep_s | model_s | decode share | stall | wall_s |"
    print(f"device={args.device} torch_threads={torch.get_num_threads()} images={args.images} "
          f"px={args.image_px} hidden={args.hidden} layers={args.layers} batch_size={args.batch_size}")
    print(header)
    print("|" + "---|" * 8)
    for r in results:
        print(f"| {r['family']} | {r['workers']} | {r['images_per_s']} | {r['prep_s']} | {r['model_s']} | "
              f"{r['prep_share_of_work']} | {r['stall_share']} | {r['wall_s']} |")
    if args.output:
        args.output.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": results},
                                          indent=2) + "\n")


if __name__ == "__main__":
    main()
