#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Tools/peers/.venv with the segmentation peers: OpenCV-contrib and scikit-image.
exec "$here/make_venv.sh" "$here/.venv" "import cv2, skimage, numpy, PIL; cv2.ximgproc.segmentation" \
  numpy opencv-contrib-python-headless scikit-image pillow
