#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Tools/peers/.venv-opencv with OpenCV-contrib (ximgproc selective search and EdgeBoxes) and
# NumPy, for selective_search_peer.py and edge_boxes_peer.py.
exec "$here/make_venv.sh" "$here/.venv-opencv" \
  "import cv2, numpy; cv2.ximgproc.segmentation; cv2.ximgproc.createEdgeBoxes" \
  numpy opencv-contrib-python-headless
