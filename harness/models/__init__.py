"""Models: resolving --model, parsing --model_args, loading checkpoints, mapping labels, the demo."""
