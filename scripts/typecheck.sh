#!/usr/bin/env bash
# Type-checks everything: the backend through tsc's project references, then the console and
# every plugin's panels (Vue templates included) with vue-tsc.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -b
npx vue-tsc --noEmit -p ui-shell
for ui in plugins/*/ui; do
  if [ -f "$ui/tsconfig.json" ]; then npx vue-tsc --noEmit -p "$ui"; fi
done
