"""torchrun with 2 CPU processes (gloo) gives results and samples identical to one process."""

import filecmp
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from harness.evaluator import distributed
from harness.evaluator.distributed import DistContext, Failure, PeerFailure, shard_batches
from tests.helpers import run_cli


@dataclass(frozen=True)
class PeerSays(DistContext):
    """Rank 0 of two, whose peer's part of the next gather is given: no process group needed."""

    peer: tuple = ()

    def all_gather(self, obj):
        return [obj, self.peer]


def rank_0_with_peer(peer: tuple) -> PeerSays:
    return PeerSays(0, 2, 0, peer)


def test_shards_cover_every_batch_once_and_balance_tokens():
    lengths = [30, 29, 10, 10, 9, 5, 5, 5, 2, 1]
    batches = [[0], [1], [2, 3], [4], [5, 6, 7], [8, 9]]
    shares = shard_batches(batches, lengths, 2)
    assert sorted(n for share in shares for n in share) == list(range(len(batches)))
    loads = [sum(len(batches[n]) * max(lengths[i] for i in batches[n]) for n in share) for share in shares]
    assert abs(loads[0] - loads[1]) <= 30


def test_a_gather_missing_examples_is_an_error_not_a_gap():
    ctx = rank_0_with_peer(("outputs", "xvnli/ar", {1: "b"}, None))
    assert distributed.gather_or_fail(ctx, "xvnli/ar", {0: "a"}, Failure(), 2) == {0: "a", 1: "b"}
    with pytest.raises(RuntimeError, match="xvnli/ar: no rank computed 1 of 3 examples .first: .2.."):
        distributed.gather_or_fail(ctx, "xvnli/ar", {0: "a"}, Failure(), 3)


def test_ranks_agree_on_the_smallest_token_budget():
    assert distributed.agree_on_budget(rank_0_with_peer(("outputs", "x (token budget)", 4096, None)), "x", 8192) == 4096
    assert distributed.agree_on_budget(rank_0_with_peer(("outputs", "x (token budget)", 8192, None)), "x", 4096) == 4096


def test_sharded_knn_meets_a_peer_that_left_the_unit(monkeypatch):
    """A peer that failed before the nearest-neighbour search waits in agree_on_unit: the search's
    gather must raise its failure, not take its message for search results."""
    peer = ("unit", "bucc2018/de", "HarnessError", "bucc2018/de: cannot read the gold file", False)
    monkeypatch.setattr(distributed, "_CURRENT", rank_0_with_peer(peer))
    vectors = np.eye(4, dtype=np.float32)
    with pytest.raises(PeerFailure, match="cannot read the gold file .on rank 1."):
        distributed.sharded_knn(vectors, vectors, k=2)


def torchrun(*args, timeout=300):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout)


def test_two_process_gloo_run_equals_single_process(tmp_path):
    # xvnli: the image runner (DataLoader batches) is sharded and gathered too
    tasks = "xnli,tatoeba,bucc2018,xvnli"
    single = tmp_path / "single"
    assert run_cli("eval", "--model", "demo", "--tasks", tasks, "--output_path", single).code == 0
    proc = torchrun("-m", "harness", "eval", "--model", "demo", "--tasks", tasks, "--device", "cpu",
                    "--output_path", tmp_path / "multi")
    assert proc.returncode == 0, proc.stderr[-2000:]
    one = json.loads((single / "results.json").read_text())
    two = json.loads((tmp_path / "multi" / "results.json").read_text())
    assert two["config"]["world_size"] == 2
    assert one["results"] == two["results"]
    for task in ("xnli", "tatoeba", "bucc2018", "xvnli"):
        for path in (single / "samples" / task).iterdir():
            assert filecmp.cmp(path, tmp_path / "multi" / "samples" / task / path.name, shallow=False), path


def test_image_batches_are_sharded_and_ranks_agree_on_a_failure_on_one_rank(tmp_path):
    proc = torchrun(Path(__file__).with_name("dist_worker.py"), tmp_path, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    # each rank ran its own share of the batches, and holds every output and note
    assert sorted(ranks[0]["seen"] + ranks[1]["seen"]) == list(range(12))
    assert ranks[0]["seen"] and ranks[1]["seen"] and not set(ranks[0]["seen"]) & set(ranks[1]["seen"])
    for report in ranks:
        assert report["outputs"] == [2.0 * i for i in range(12)] and report["notes"] == list(range(12))
    # out of memory on rank 1 alone: both raise (rank 0 names rank 1) instead of rank 0 waiting
    assert "--batch_size 2" in ranks[1]["oom"] and "(on rank 1)" not in ranks[1]["oom"]
    assert "--batch_size 2" in ranks[0]["oom"] and "(on rank 1)" in ranks[0]["oom"]
    # a failure before the unit's gather: the same outcome on both ranks, and they stay in step
    assert ranks[1]["agreed"] == "xvnli/ar: cannot read the images"
    assert ranks[0]["agreed"] == "xvnli/ar: cannot read the images (on rank 1)"
    assert ranks[0]["next"] == ranks[1]["next"] == [i + 1.0 for i in range(12)]
    # out of memory on rank 1 alone under the automatic budget: the ranks agree on the halved
    # budget before planning the next batches, so no example falls between their shares
    for report in ranks:
        assert report["backed_off"] == [float(i) for i in range(12)]
        assert report["after_back_off"] == [3.0 * i for i in range(12)] and report["after_back_off_notes"] == list(range(12))
        assert report["text_after_back_off"] == [float(i) for i in range(12)]
        assert report["budget"] == 20
