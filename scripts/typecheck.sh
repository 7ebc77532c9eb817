#!/usr/bin/env bash
# Type-checks everything: the backend through tsc's project references, the backend's tests and
# test helpers (tsconfig.test.json: kernel, plugins, scripts, rpm, examples, test-support; not
# emitted), then the console and every plugin's panels (Vue templates included) with vue-tsc.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -b
npx tsc -p tsconfig.test.json
npx vue-tsc --noEmit -p ui-shell
for ui in plugins/*/ui; do
  if [ -f "$ui/tsconfig.json" ]; then npx vue-tsc --noEmit -p "$ui"; fi
done
