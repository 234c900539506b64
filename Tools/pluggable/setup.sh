#!/usr/bin/env bash
# Tools/pluggable/.venv with PyTorch, torchvision, onnx, onnxscript, onnxruntime, numpy and
# pyvips (the Python binding of the libvips RegionKit decodes with; it uses the system's
# libvips, so install libvips first: Debian `libvips-dev` or `libvips42`). From PyPI;
# idempotent (see Tools/peers/make_venv.sh). TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# takes the much smaller CPU-only PyTorch wheels where that index is reachable.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../peers/make_venv.sh" "$here/.venv" \
  "import torch, torchvision, onnx, onnxscript, onnxruntime, numpy, pyvips" \
  torch torchvision onnx onnxscript onnxruntime numpy pyvips
