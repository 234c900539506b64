#!/usr/bin/env bash
# Tools/onnx/.venv with PyTorch, torchvision, onnx, onnxscript (for the dynamo exporter),
# onnxruntime and numpy: the ONNX fixture generator, the torchvision parity check and the
# speed benchmark of this folder. Idempotent (see Tools/peers/make_venv.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../peers/make_venv.sh" "$here/.venv" \
  "import torch, torchvision, onnx, onnxscript, onnxruntime, numpy" \
  torch torchvision onnx onnxscript onnxruntime numpy
