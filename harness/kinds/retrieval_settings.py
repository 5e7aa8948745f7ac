"""Which hidden layer and pooling the retrieval tasks read from an encoder."""

from __future__ import annotations

from harness.errors import HarnessError
from harness.taskfiles.schema import TaskConfig


def retrieval_settings(task: TaskConfig, loaded) -> dict:
    """Layer and pooling: --model_args first, then the task's XTREME defaults for known models
    (``options.layer_defaults``: rules whose other keys must all equal the model config's
    attributes; ``reference`` says where the rule comes from), else the last layer with mean
    pooling. Where each came from is recorded with the result."""
    config = loaded.config
    total = getattr(config, "num_hidden_layers", None)
    layer, pooling = total, "mean"
    layer_from = pooling_from = "default (last layer, mean pooling)"
    for rule in task.options.get("layer_defaults", []) or []:
        conditions = {k: v for k, v in rule.items() if k not in ("layer", "pooling", "reference")}
        if all(getattr(config, key, None) == value for key, value in conditions.items()):
            described = "task default for " + ", ".join(f"{k}={v}" for k, v in conditions.items())
            if rule.get("reference"):
                described += f" ({rule['reference']})"
            if "layer" in rule:
                layer, layer_from = int(rule["layer"]), described
            if "pooling" in rule:
                pooling, pooling_from = str(rule["pooling"]), described
            break
    if loaded.args.retrieval_layer is not None:
        layer, layer_from = loaded.args.retrieval_layer, "model_args"
    if loaded.args.pooling:
        pooling, pooling_from = loaded.args.pooling, "model_args"
    if total is not None and layer > total:
        raise HarnessError(f"--model_args retrieval_layer={layer}: the model has only {total} layers (0–{total})")
    return {"layer": layer, "num_layers": total, "pooling": pooling, "layer_from": layer_from,
            "pooling_from": pooling_from}
