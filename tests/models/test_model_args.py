import pytest

from harness.errors import HarnessError
from harness.models.model_args import ModelArgs, parse_model_args


def test_parses_known_keys_with_types():
    args = parse_model_args("dtype=bfloat16,max_length=256,retrieval_layer=14,pooling=cls,trust_remote_code=true,"
                            "label_map=LABEL_0:entailment;LABEL_1:neutral")
    assert args.dtype == "bfloat16" and args.max_length == 256 and args.retrieval_layer == 14
    assert args.pooling == "cls" and args.trust_remote_code is True
    assert dict(args.label_map) == {"LABEL_0": "entailment", "LABEL_1": "neutral"}


def test_empty_gives_defaults():
    assert parse_model_args("") == ModelArgs()


@pytest.mark.parametrize("text, expected", [
    ("dtype", "is not key=value"),
    ("dtype=float64", "expected one of auto, float32, bfloat16, float16"),
    ("max_length=abc", "expected an integer"),
    ("max_length=0", ">= 1"),
    ("colour=blue", "unknown key 'colour'"),
    ("pooling=max", "expected one of mean, cls"),
    ("label_map=entailment", "checkpoint_label:task_label"),
    ("dtype=float32,dtype=float16", "given twice"),
])
def test_malformed_model_args_name_the_key(text, expected):
    with pytest.raises(HarnessError, match=expected):
        parse_model_args(text)


def test_to_dict_records_every_setting_that_differs_from_its_default():
    from harness.models.model_args import ModelArgs, parse_model_args

    assert ModelArgs().to_dict() == {}
    assert parse_model_args("device_map=auto,dtype=auto").to_dict() == {"device_map": "auto"}
    assert parse_model_args("dtype=bfloat16,trust_remote_code=true").to_dict() == {"dtype": "bfloat16",
                                                                                  "trust_remote_code": True}


def test_explicit_keys_are_bookkeeping_not_settings():
    given = parse_model_args("dtype=auto,max_length=128")
    assert given == ModelArgs(max_length=128) and given.to_dict() == {"max_length": 128}
    assert given.explicit == {"dtype", "max_length"}
    assert "explicit" not in given.settings()
