"""Metrics as pure functions: per-example statistics in, corpus scores out."""
