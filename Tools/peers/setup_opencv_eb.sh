#!/usr/bin/env bash
# Creates Tools/peers/.venv-opencv with OpenCV-contrib (ximgproc EdgeBoxes) and NumPy from PyPI.
# Idempotent and safe to share with the selective-search peer: re-running only installs what
# is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-opencv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import cv2, numpy; cv2.ximgproc.createEdgeBoxes" 2>/dev/null; then
  "$venv/bin/python" -m pip install -q "numpy" "opencv-contrib-python-headless"
fi
"$venv/bin/python" -c "import cv2, numpy; print('cv2', cv2.__version__, 'numpy', numpy.__version__)"
