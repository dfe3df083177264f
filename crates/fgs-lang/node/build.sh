#!/usr/bin/env bash
# Builds node.wasm, the fgs-local Node.js runtime component (world fgs:lang/handler-runtime).
#
#   crates/fgs-lang/node/build.sh OUT.wasm [WIT]
#
# Needs node (>= 18) and npm. Installs the pinned tools from package-lock.json
# (componentize-js, preview2-shim 0.25.0, esbuild) into this directory's node_modules,
# bundles src/ into one ES module with esbuild and turns it into a component with
# componentize-js (SpiderMonkey/StarlingMonkey, pre-initialised with Wizer). The component
# imports fgs:lang/host plus wasi:cli/io/clocks/random (stdio, Date, timers, Math.random);
# fetch (wasi:http) is left out. Takes about a minute and gives a ~12 MB component.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUT.wasm [WIT]" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
wit="${2:-$here/../wit/handler.wit}"
wit="$(cd "$(dirname "$wit")" && pwd)/$(basename "$wit")"

command -v node >/dev/null || { echo "build.sh: node is not installed (Node.js >= 18 needed)" >&2; exit 1; }
command -v npm >/dev/null || { echo "build.sh: npm is not installed" >&2; exit 1; }

cd "$here"
# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.fgs-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node_modules/.bin/esbuild src/index.js --bundle --format=esm --platform=neutral \
  --target=es2022 --external:'fgs:lang/*' --log-level=warning --outfile="$work/fgs-node-runtime.js"
node_modules/.bin/componentize-js "$work/fgs-node-runtime.js" --wit "$wit" \
  --world-name handler-runtime --disable http fetch-event -o "$work/node.wasm"
mv "$work/node.wasm" "$out"
echo "built $out ($(wc -c <"$out") bytes)"
