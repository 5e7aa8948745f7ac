"""torchrun with 2 CPU processes (gloo) gives results and samples identical to one process."""

import filecmp
import json
import os
import subprocess
import sys

from harness.evaluator.distributed import shard_batches
from tests.helpers import run_cli


def test_shards_cover_every_batch_once_and_balance_tokens():
    lengths = [30, 29, 10, 10, 9, 5, 5, 5, 2, 1]
    batches = [[0], [1], [2, 3], [4], [5, 6, 7], [8, 9]]
    shares = shard_batches(batches, lengths, 2)
    assert sorted(n for share in shares for n in share) == list(range(len(batches)))
    loads = [sum(len(batches[n]) * max(lengths[i] for i in batches[n]) for n in share) for share in shares]
    assert abs(loads[0] - loads[1]) <= 30


def test_two_process_gloo_run_equals_single_process(tmp_path):
    tasks = "xnli,tatoeba,bucc2018"
    single = tmp_path / "single"
    assert run_cli("eval", "--model", "demo", "--tasks", tasks, "--output_path", single).code == 0
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "harness",
         "eval", "--model", "demo", "--tasks", tasks, "--device", "cpu", "--output_path", str(tmp_path / "multi")],
        capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    one = json.loads((single / "results.json").read_text())
    two = json.loads((tmp_path / "multi" / "results.json").read_text())
    assert two["config"]["world_size"] == 2
    assert one["results"] == two["results"]
    for task in ("xnli", "tatoeba", "bucc2018"):
        for path in (single / "samples" / task).iterdir():
            assert filecmp.cmp(path, tmp_path / "multi" / "samples" / task / path.name, shallow=False), path
