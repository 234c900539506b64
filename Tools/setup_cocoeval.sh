#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Tools/.venv-cocoeval with pycocotools and NumPy, for Tools/verify_cocoeval.py.
exec "$here/peers/make_venv.sh" "$here/.venv-cocoeval" "import pycocotools.cocoeval, numpy" \
  "numpy>=1.24" "pycocotools>=2.0.7"
