#!/usr/bin/env bash
# Creates Tools/peers/.venv with PyTorch (CPU build) for the NeuralNet peer benchmark and the
# safetensors round-trip fixture generator. Idempotent: re-running only fills in what is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import torch, torchvision, safetensors, numpy" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --upgrade pip
  # TORCH_INDEX_URL may name a CPU-only wheel index (a much smaller download); by default
  # torch comes from the ordinary package index, whose wheel runs on the CPU as well.
  if [ -n "${TORCH_INDEX_URL:-}" ]; then
    "$venv/bin/pip" install --quiet torch --index-url "$TORCH_INDEX_URL"
  else
    "$venv/bin/pip" install --quiet torch
  fi
  "$venv/bin/pip" install --quiet safetensors numpy torchvision
fi
"$venv/bin/python" -c "import torch; print('torch', torch.__version__)"
