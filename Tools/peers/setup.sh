#!/usr/bin/env bash
# Creates Tools/peers/.venv with CPU PyTorch and torchvision, the peers of the Boxes benchmarks.
# Idempotent: an existing venv that already imports torchvision is left as it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import torch, torchvision" 2>/dev/null; then
  echo "peers: $venv is ready"
  exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip

# Prefer the CPU-only wheels (no CUDA libraries); fall back to PyPI when that index is unreachable.
cpu_index="https://download.pytorch.org/whl/cpu"
if "$venv/bin/python" - "$cpu_index" <<'PY' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/torch/", timeout=10)
PY
  echo "peers: installing torch and torchvision from $cpu_index"
  "$venv/bin/python" -m pip install --quiet --index-url "$cpu_index" torch torchvision
else
  echo "peers: $cpu_index unreachable; installing torch and torchvision from PyPI"
  "$venv/bin/python" -m pip install --quiet torch torchvision
fi
"$venv/bin/python" -c "import torch, torchvision; print('peers: torch', torch.__version__, 'torchvision', torchvision.__version__)"
