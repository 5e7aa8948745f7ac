"""``--model_args k=v,k=v`` → a validated, frozen :class:`ModelArgs`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Mapping

from harness.errors import HarnessError

DTYPES = ("auto", "float32", "bfloat16", "float16")
POOLINGS = ("mean", "cls")
AUTOCAST = ("none", "bfloat16", "float16")
KEYS = {
    "dtype": f"weights dtype, one of {', '.join(DTYPES)}",
    "autocast": f"mixed precision on CUDA, one of {', '.join(AUTOCAST)}",
    "revision": "a hub revision (branch, tag or commit)",
    "max_length": "a positive integer (tokens); overrides the task's",
    "retrieval_layer": "an index into hidden_states (0 = embeddings)",
    "pooling": f"sentence pooling for retrieval, one of {', '.join(POOLINGS)}",
    "trust_remote_code": "true or false",
    "label_map": "checkpoint label to task label pairs, e.g. LABEL_0:entailment;LABEL_1:neutral",
    "device_map": "accelerate's placement for models too large for one device (auto, balanced, …)",
}
# Settings that only some task kinds read (kept as strings in ModelArgs.extra; the kind that
# reads one validates it). Add an entry here when a kind takes a new setting.
EXTRA_KEYS: dict[str, str] = {
    # IGLUE (vision-language) settings, read by harness/kinds/image_*.py and visual_question_answering.py
    "family": "vision-language family: classifier, dual_encoder or generative (default: from the config)",
    "two_images": "MaRVL's image pair: separate (two images) or concat (side by side in one)",
    "prompts": "a YAML file of per-task prompts ({task: {text: ..., choices: {...}}}) for generative models",
    "max_new_tokens": "a positive integer: the longest generated answer (xGQA)",
    "answer_vocabulary": "a JSON file of answers (list or answer→index) a VQA head's outputs are restricted to",
    # extractive QA (harness/kinds/extractive_qa.py); defaults in the task files' options
    "doc_stride": "QA: tokens between the starts of consecutive context windows (XTREME: 128)",
    "n_best": "QA: start and end candidates kept per window (XTREME: 20)",
    "max_answer_length": "QA: longest answer in tokens (XTREME: 30)",
    "max_query_length": "QA: question tokens kept (XTREME: 64)",
}


def _one_of(*allowed: str):
    def check(key: str, value: Any) -> str:
        if str(value) not in allowed:
            raise HarnessError(f"--model_args {key}={value}: expected one of {', '.join(allowed)}")
        return str(value)

    return check


def _existing_file(key: str, value: Any) -> str:
    from pathlib import Path

    if not Path(str(value)).expanduser().is_file():
        raise HarnessError(f"--model_args {key}={value}: file not found")
    return str(Path(str(value)).expanduser())


# Checks for EXTRA_KEYS values, so a bad value fails once, at parsing, in one line.
EXTRA_CHECKS: dict[str, Any] = {
    "family": _one_of("classifier", "dual_encoder", "generative"),
    "two_images": _one_of("separate", "concat"),
    "max_new_tokens": lambda key, value: _int(key, str(value), 1),
    "prompts": _existing_file,
    "answer_vocabulary": _existing_file,
    "doc_stride": lambda key, value: _int(key, str(value), 1),
    "n_best": lambda key, value: _int(key, str(value), 1),
    "max_answer_length": lambda key, value: _int(key, str(value), 1),
    "max_query_length": lambda key, value: _int(key, str(value), 1),
}


@dataclass(frozen=True)
class ModelArgs:
    dtype: str = "auto"
    autocast: str = "none"
    revision: str | None = None
    max_length: int | None = None
    retrieval_layer: int | None = None
    pooling: str | None = None
    trust_remote_code: bool = False
    label_map: Mapping[str, str] = field(default_factory=dict)
    device_map: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys later kinds define
    # The fields written out (k=v, a registry's model_args), even at their default value: they win
    # in merged(), so `dtype=auto` on the command line undoes an entry's `dtype: bfloat16`.
    # Bookkeeping only: not a setting, not compared, not recorded.
    explicit: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def settings(self) -> dict[str, Any]:
        """Every setting, without the ``explicit`` bookkeeping."""
        values = asdict(self)
        del values["explicit"]
        return values

    def to_dict(self) -> dict[str, Any]:
        """The settings that differ from the defaults (a run records these per task). Compared
        with each field's own default: device_map=auto is a setting even though dtype=auto is not."""
        defaults = ModelArgs()
        return {k: v for k, v in self.settings().items() if v != getattr(defaults, k)}

    def merged(self, other: "ModelArgs") -> "ModelArgs":
        """Settings of ``other`` that were given win over this one's: those it set explicitly, even
        to the default value, and those that differ from the default."""
        defaults = ModelArgs()
        changes = {k: v for k, v in other.settings().items()
                   if k != "extra" and (k in other.explicit or v != getattr(defaults, k))}
        if other.extra:  # separate settings, merged key by key
            changes["extra"] = {**self.extra, **other.extra}
        return replace(self, **changes, explicit=self.explicit | other.explicit | frozenset(changes) - {"extra"})


def _bool(key: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise HarnessError(f"--model_args {key}={value}: expected true or false")


def _int(key: str, value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise HarnessError(f"--model_args {key}={value}: expected an integer") from None
    if number < minimum:
        raise HarnessError(f"--model_args {key}={value}: expected an integer >= {minimum}")
    return number


def parse_label_map(value: str | Mapping, key: str = "label_map") -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    pairs = {}
    for part in str(value).replace("|", ";").split(";"):
        if not part.strip():
            continue
        source, sep, target = part.partition(":")
        if not sep or not source.strip() or not target.strip():
            raise HarnessError(
                f"--model_args {key}={value}: expected checkpoint_label:task_label pairs separated by ';'"
            )
        pairs[source.strip()] = target.strip()
    if not pairs:
        raise HarnessError(f"--model_args {key}={value}: empty label map")
    return pairs


def build_model_args(values: Mapping[str, Any], extra_keys: Mapping[str, str] | None = None) -> ModelArgs:
    extra_keys = EXTRA_KEYS if extra_keys is None else extra_keys
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, raw in values.items():
        value = raw if not isinstance(raw, str) else raw.strip()
        text = str(value)
        if key == "dtype" or key == "autocast" or key == "pooling":
            allowed = {"dtype": DTYPES, "autocast": AUTOCAST, "pooling": POOLINGS}[key]
            if text not in allowed:
                raise HarnessError(f"--model_args {key}={text}: expected one of {', '.join(allowed)}")
            fields[key] = text
        elif key in ("revision", "device_map"):
            fields[key] = text
        elif key == "max_length":
            fields[key] = _int(key, text, 1)
        elif key == "retrieval_layer":
            fields[key] = _int(key, text, 0)
        elif key == "trust_remote_code":
            fields[key] = value if isinstance(value, bool) else _bool(key, text)
        elif key == "label_map":
            fields[key] = parse_label_map(value)
        elif key in extra_keys:
            check = EXTRA_CHECKS.get(key)
            extra[key] = check(key, value) if check else value
        else:
            allowed = sorted([*KEYS, *extra_keys])
            raise HarnessError(f"--model_args: unknown key {key!r}; expected one of {', '.join(allowed)}")
    return ModelArgs(**fields, extra=extra, explicit=frozenset(fields))


def parse_model_args(text: str | None, extra_keys: Mapping[str, str] | None = None) -> ModelArgs:
    """Parse ``k=v,k=v``; ``extra_keys`` defaults to :data:`EXTRA_KEYS`."""
    if not text:
        return ModelArgs()
    values: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key or not value.strip():
            raise HarnessError(f"--model_args: {part!r} is not key=value (expected k=v,k=v)")
        if key in values:
            raise HarnessError(f"--model_args: key {key!r} given twice")
        values[key] = value
    return build_model_args(values, extra_keys)
