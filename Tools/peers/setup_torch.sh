#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Tools/peers/.venv with PyTorch, torchvision and safetensors: the NeuralNet peer benchmark and
# the safetensors round-trip fixture generator.
exec "$here/make_venv.sh" "$here/.venv" "import torch, torchvision, safetensors, numpy" \
  torch torchvision safetensors numpy
