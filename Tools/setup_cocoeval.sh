#!/usr/bin/env bash
# Creates Tools/.venv-cocoeval with pycocotools and numpy from PyPI, for Tools/verify_cocoeval.py.
# Idempotent: an existing venv that already imports pycocotools is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-cocoeval"
python="${PYTHON:-python3}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pycocotools.cocoeval, numpy" 2>/dev/null; then
  echo "$venv is ready"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "numpy>=1.24" "pycocotools>=2.0.7"
"$venv/bin/python" -c "import pycocotools, numpy; print('pycocotools', pycocotools.__version__ if hasattr(pycocotools, '__version__') else '?', 'numpy', numpy.__version__)"
echo "$venv is ready"
