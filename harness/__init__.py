"""harness: zero-shot cross-lingual evaluation on XTREME and IGLUE."""

__version__ = "0.1.0"
