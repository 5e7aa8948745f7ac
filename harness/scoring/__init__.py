"""Scoring prediction files without a model (``harness score``)."""
