"""Paired significance tests between runs: ``harness compare``.

Data flow: run folders (results.json + samples/) → pairing.py (align examples by id, refuse
mismatched runs) → cells.py (one test per task × language × metric: mcnemar.py, permutation.py,
randomization.py; a bootstrap interval from bootstrap.py) → multiple.py (Holm / BH) →
aggregates.py (suite averages as results.json computes them) → seeds.py (aso.py over several
runs) → research_question.py (text vs multimodal gains) → report.py (Markdown). Everything is a
function of the per-example statistics the task kinds record, so nothing here knows a task.
"""
