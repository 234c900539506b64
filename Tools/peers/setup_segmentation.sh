#!/usr/bin/env bash
# Creates Tools/peers/.venv with the segmentation peers (OpenCV-contrib, scikit-image) from PyPI.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q "numpy" "opencv-contrib-python-headless" "scikit-image" "pillow"
"$venv/bin/python" -c "import cv2, skimage, numpy; print('cv2', cv2.__version__, 'skimage', skimage.__version__, 'numpy', numpy.__version__)"
