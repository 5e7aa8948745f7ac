"""The embedded demo: small sample sets written for this project and tiny local checkpoints."""
