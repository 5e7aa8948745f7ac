"""Data sources: the hub, local copies in the original release layouts, and the shipped demo sets."""
