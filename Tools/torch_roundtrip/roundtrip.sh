#!/usr/bin/env bash
# Full PyTorch <-> RegionKit round trip:
#   1. PyTorch writes the fixture (weights, input/output pairs, one SGD step);
#   2. the Swift test loads it, reproduces the outputs and the step, and exports its weights;
#   3. PyTorch loads the Swift export (strict names) and compares.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/Tools/peers/setup_torch.sh" >/dev/null
python="$root/Tools/peers/.venv/bin/python"
"$python" "$root/Tools/torch_roundtrip/make_fixture.py"
export_path="$(mktemp -d)/swift_after_step.safetensors"
cd "$root"
swift build --build-tests >/dev/null
REGIONKIT_NN_EXPORT="$export_path" swift test --skip-build --filter TorchRoundTripTests
"$python" "$root/Tools/torch_roundtrip/check_swift_export.py" "$export_path"
