"""How a checkpoints.yaml entry becomes the checkpoint and settings of each task."""

import json

import pytest

from harness.errors import HarnessError
from harness.models.model_args import ModelArgs
from harness.registry.checkpoints import load_registry
from tests.helpers import run_cli

LAYERED = """
checkpoints:
  layered:
    family: text
    model: org/encoder
    revision: encoder-rev
    model_args: {max_length: 256, pooling: cls, family: generative, dtype: bfloat16, autocast: float16,
                 trust_remote_code: true}
    tasks:
      xnli:
        model: org/xnli-head
        revision: head-rev
        model_args: {max_length: 128, label_map: "LABEL_0:entailment;LABEL_1:neutral;LABEL_2:contradiction",
                     prompts: prompts.yaml}
      panx: org/panx-head
"""


@pytest.fixture
def layered(tmp_path):
    (tmp_path / "prompts.yaml").write_text("{}\n")
    path = tmp_path / "checkpoints.yaml"
    path.write_text(LAYERED)
    return load_registry(path).entries["layered"]


def test_a_heads_own_settings_win_over_the_entrys(layered):
    xnli = layered.model_spec(ModelArgs()).args_for("xnli")
    assert xnli.max_length == 128 and xnli.label_map["LABEL_2"] == "contradiction"
    assert xnli.pooling == "cls"  # what the head does not set comes from the entry
    assert xnli.extra == {"family": "generative", "prompts": str(layered.source_file.parent / "prompts.yaml")}


def test_the_entry_revision_pins_model_only(layered):
    spec = layered.model_spec(ModelArgs())
    assert spec.args_for("xnli").revision == "head-rev"
    assert spec.args_for("panx").revision is None  # another repository: the entry's revision means nothing there
    assert spec.checkpoint_for("tatoeba") == "org/encoder" and spec.args_for("tatoeba").revision == "encoder-rev"
    assert spec.args_for("panx").max_length == 256


def test_command_line_model_args_win_over_everything(layered):
    spec = layered.model_spec(ModelArgs(max_length=64, revision="cli-rev"))
    for task in ("xnli", "panx", "tatoeba"):
        assert spec.args_for(task).max_length == 64 and spec.args_for(task).revision == "cli-rev", task
    # A value written on the command line wins even when it is the default: it undoes the entry's.
    from harness.models.model_args import parse_model_args

    spec = layered.model_spec(parse_model_args("dtype=auto,autocast=none,trust_remote_code=false"))
    for task in ("xnli", "panx", "tatoeba"):
        args = spec.args_for(task)
        assert (args.dtype, args.autocast, args.trust_remote_code) == ("auto", "none", False), task
        assert args.max_length in (128, 256) and args.pooling == "cls", task  # what the command line left alone
    kept = layered.model_spec(ModelArgs()).args_for("panx")
    assert (kept.dtype, kept.autocast, kept.trust_remote_code) == ("bfloat16", "float16", True)


def test_revision_inside_entry_model_args_is_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("checkpoints: {a: {family: text, model: x, model_args: {revision: main}}}")
    with pytest.raises(HarnessError, match=r"c.yaml: checkpoints.a.model_args: key 'revision'"):
        load_registry(path)


@pytest.fixture
def partial_registry(tmp_path, tiny_models):
    """An entry with a head for xnli only, its `model` the bare encoder (XLM-R Large's situation:
    no public XNLI, PAWS-X or UD-POS heads)."""
    encoder = tiny_models("encoder")
    xnli = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"])
    path = tmp_path / "checkpoints.yaml"
    path.write_text(f"checkpoints:\n  partial:\n    family: text\n    model: {encoder}\n"
                    f"    tasks: {{xnli: {xnli}}}\n  named-but-headless:\n    family: text\n"
                    f"    model: {encoder}\n    tasks: {{pawsx: {encoder}}}\n")
    return path


def demo_data(*tasks):
    return [arg for task in tasks for arg in ("--data_dir", f"{task}=demo")]


def test_a_task_the_entry_has_no_head_for_is_skipped_with_the_reason(partial_registry, tmp_path):
    out = tmp_path / "run"
    result = run_cli("eval", "--checkpoints", partial_registry, "--model", "partial", "--tasks", "xnli,pawsx,tatoeba",
                     "--limit", "4", "--output_path", out, *demo_data("xnli", "pawsx", "tatoeba"))
    assert result.code == 0, result.err
    data = json.loads((out / "results.json").read_text())
    reason = data["config"]["tasks"]["pawsx"]["skipped"]
    assert "checkpoints.partial lists no checkpoint for pawsx (tasks: xnli)" in reason and "no trained head" in reason
    assert "pawsx" not in data["results"] and not data["errors"]
    assert set(data["results"]) == {"xnli", "tatoeba"}  # retrieval still runs on the bare encoder
    assert "skipped pawsx:" in result.out


def test_a_recorded_skip_is_not_retried(partial_registry, tmp_path, monkeypatch):
    out = tmp_path / "run"
    args = ("eval", "--checkpoints", partial_registry, "--model", "partial", "--tasks", "pawsx", "--limit", "4",
            "--output_path", out, *demo_data("pawsx"))
    assert run_cli(*args).code == 0
    import harness.evaluator.model_pool as pool

    def no_loading(*_args, **_kwargs):
        raise AssertionError("a recorded skip must not load the model again")

    monkeypatch.setattr(pool, "load_model", no_loading)
    again = run_cli(*args)
    assert again.code == 0, again.err
    assert "skipped pawsx:" in again.out


def test_a_head_named_under_tasks_without_trained_weights_is_still_an_error(partial_registry, tmp_path):
    result = run_cli("eval", "--checkpoints", partial_registry, "--model", "named-but-headless", "--tasks", "pawsx",
                     "--limit", "4", "--output_path", tmp_path / "run", *demo_data("pawsx"))
    assert result.code == 2 and "no trained sequence classification head" in result.err


def test_a_plain_checkpoint_without_the_head_is_still_refused(tiny_models, tmp_path):
    result = run_cli("eval", "--model", tiny_models("encoder"), "--tasks", "pawsx", "--limit", "4",
                     "--output_path", tmp_path / "run", *demo_data("pawsx"))
    assert result.code == 2 and "no trained" in result.err


def test_an_nlvr2_default_model_skips_xvnli_with_the_reason(vl_models, tmp_path):
    """checkpoints.yaml's vilt-b32 entry: its `model` is the NLVR2 head, which takes image pairs."""
    pair = vl_models("vilt_pair")
    registry = tmp_path / "checkpoints.yaml"
    registry.write_text(f"checkpoints:\n  vilt: {{family: vision-language, model: {pair}, tasks: {{marvl: {pair}}}}}\n")
    result = run_cli("eval", "--checkpoints", registry, "--model", "vilt", "--tasks", "xvnli", "--limit", "2",
                     "--data_dir", "xvnli=demo", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert "takes image pairs; xvnli has one image per example" in data["config"]["tasks"]["xvnli"]["skipped"]
