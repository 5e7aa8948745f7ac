"""The checkpoint registry (checkpoints.yaml)."""

from harness.registry.checkpoints import find_registry_entry  # noqa: F401
