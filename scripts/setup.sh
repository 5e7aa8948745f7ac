#!/usr/bin/env bash
# Create .venv (once) and install the harness with its test extras into it.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (it only installs what is missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HARNESS_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$VENV"
fi
PY="$VENV/bin/python"
stamp="$VENV/.harness-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  "$PY" -m pip install --quiet --upgrade pip
  # torch first, pinned: on the project's machines this resolves to the CPU build kept on disk;
  # an unpinned torch could pull a multi-GB CUDA build.
  "$PY" -c "import torch" 2>/dev/null || "$PY" -m pip install --quiet "torch==${HARNESS_TORCH_VERSION:-2.13.0}"
  "$PY" -m pip install --quiet -e "$ROOT[test]"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
