import pytest
import torch

from harness.errors import HarnessError
from harness.models.loading import load_model, weights_fingerprint
from harness.models.model_args import ModelArgs
from harness.models.spec import resolve_model_spec


def test_loads_classifier_and_records_weights_hash(tiny_models):
    folder = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"])
    loaded = load_model(str(folder), "sequence_classification", ModelArgs(), torch.device("cpu"))
    assert loaded.info["weights_sha256"] == weights_fingerprint(folder)
    assert loaded.config.id2label[1] == "neutral"


def test_encoder_checkpoint_without_head_is_refused_for_classification(tiny_models):
    folder = tiny_models("encoder")
    with pytest.raises(HarnessError, match="no trained sequence classification head"):
        load_model(str(folder), "sequence_classification", ModelArgs(), torch.device("cpu"))


def test_classifier_checkpoint_serves_as_encoder(tiny_models):
    folder = tiny_models("sequence_classification", ["a", "b"])
    loaded = load_model(str(folder), "encoder", ModelArgs(), torch.device("cpu"))
    assert type(loaded.model).__name__ == "BertModel"


def test_dtype_argument_sets_weight_dtype(tiny_models):
    folder = tiny_models("encoder")
    loaded = load_model(str(folder), "encoder", ModelArgs(dtype="bfloat16"), torch.device("cpu"))
    assert loaded.info["dtype"] == "bfloat16"


def test_missing_local_checkpoint_is_reported(tmp_path):
    with pytest.raises(HarnessError, match="no such checkpoint folder"):
        resolve_model_spec(str(tmp_path / "nope"), ModelArgs())
    (tmp_path / "empty").mkdir()
    with pytest.raises(HarnessError, match="no config.json"):
        resolve_model_spec(str(tmp_path / "empty"), ModelArgs())


def test_unreachable_hub_id_fails_with_one_line():
    with pytest.raises(HarnessError) as err:
        load_model("someone/not-here", "encoder", ModelArgs(), torch.device("cpu"))
    assert "someone/not-here" in str(err.value) and "\n" not in str(err.value)


def test_device_map_auto_gives_the_same_predictions(tmp_path):
    import json

    from tests.helpers import run_cli

    plain, mapped = tmp_path / "plain", tmp_path / "mapped"
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli,tatoeba", "--output_path", plain).code == 0
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli,tatoeba", "--model_args", "device_map=auto",
                     "--output_path", mapped)
    assert result.code == 0, result.err
    assert json.loads((plain / "results.json").read_text())["results"] == \
        json.loads((mapped / "results.json").read_text())["results"]
    assert (plain / "samples" / "xnli" / "de.jsonl").read_text() == (mapped / "samples" / "xnli" / "de.jsonl").read_text()
