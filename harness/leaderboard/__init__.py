"""Leaderboard markdown (and optional plots) from run folders: ``harness leaderboard``."""
