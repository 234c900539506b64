#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Tools/peers/.venv with PyTorch and torchvision, the peers of the Boxes benchmarks.
exec "$here/make_venv.sh" "$here/.venv" "import torch, torchvision" torch torchvision
