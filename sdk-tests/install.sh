#!/usr/bin/env bash
# Creates the venv the SDK scenario runs in (default sdk-tests/.venv, or the path given) and
# installs the official huaweicloudsdkcore + huaweicloudsdkfunctiongraph at the versions
# pinned in requirements.txt. Idempotent: when the venv already holds exactly those pins it
# returns at once (no network).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/.venv}"
python="${PYTHON:-python3}"
req="$here/requirements.txt"
stamp="$venv/.fgs-requirements"

if [[ -x "$venv/bin/python" && -f "$stamp" ]] && cmp -s "$req" "$stamp"; then
    echo "sdk-tests: venv $venv already has the pinned SDK"
    exit 0
fi
"$python" -c 'import sys; assert sys.version_info >= (3, 8), sys.version' \
    || { echo "sdk-tests: need Python >= 3.8 (set PYTHON=...)" >&2; exit 1; }
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
"$venv/bin/python" -c 'import huaweicloudsdkcore, huaweicloudsdkfunctiongraph.v2'
cp "$req" "$stamp"
echo "sdk-tests: installed $(grep -c '==' "$req") pinned packages into $venv"
