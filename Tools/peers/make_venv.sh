#!/usr/bin/env bash
# Creates (or completes) a Python venv for a peer benchmark or a golden generator, from PyPI.
# Idempotent: when the venv already imports what CHECK imports, nothing is installed.
#
#   Tools/peers/make_venv.sh VENV_DIR "CHECK (python statement)" PACKAGE...
#
# TORCH_INDEX_URL, when set, is tried first for torch and torchvision (e.g. the CPU-only
# wheel index https://download.pytorch.org/whl/cpu, a much smaller download).
set -euo pipefail
venv="${1:?usage: $0 VENV_DIR CHECK PACKAGE...}"
check="${2:?usage: $0 VENV_DIR CHECK PACKAGE...}"
shift 2
python="${PYTHON:-python3}"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
[ -f "$venv/.gitignore" ] || echo "*" > "$venv/.gitignore"   # never committed
if "$venv/bin/python" -c "$check" 2>/dev/null; then
  echo "$venv is ready"
  exit 0
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
if [ -n "${TORCH_INDEX_URL:-}" ] && printf '%s\n' "$@" | grep -qx torch; then
  "$venv/bin/python" -m pip install --quiet --index-url "$TORCH_INDEX_URL" torch torchvision || true
fi
"$venv/bin/python" -m pip install --quiet "$@"
"$venv/bin/python" -c "$check"
echo "$venv is ready"
