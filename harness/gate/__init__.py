"""The CI gate for new checkpoints (``harness ci``)."""
