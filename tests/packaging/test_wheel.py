"""A non-editable install must find the task files, the registry and the demo data."""

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_ships_task_files_registry_and_demo_data(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("harness-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in REPO.glob("tasks/**/*.yaml"):
        assert f"harness/_tasks/{path.relative_to(REPO / 'tasks')}" in names, path
    assert "harness/_checkpoints.yaml" in names
    assert "harness/demo/data/manifest.json" in names
