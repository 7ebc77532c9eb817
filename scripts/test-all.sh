#!/usr/bin/env bash
# The full test suite, exactly as CI runs it (`npm test`). It sets up everything the tests need
# (test bed: sshd, Docker engine, Chromium, test images), builds, then runs the quality gates
# in order: lint, type-check (TypeScript and Vue templates), and every jest test with coverage
# (kernel and auth must keep >= 90% line coverage). A missing test bed fails the run; nothing
# is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

step() { printf '\n=== %s\n' "$*"; }

step "test bed (sshd, Docker engine, Chromium, test images)"
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/testbed.sh
elif command -v sudo >/dev/null; then
  sudo -n bash scripts/testbed.sh
else
  echo "The test bed needs root: run 'sudo bash scripts/testbed.sh' once, then npm test again." >&2
  exit 1
fi

step "build (kernel, plugins, console)"
npm run build

step "lint"
npx eslint .

step "type-check (tsc and vue-tsc)"
npm run typecheck

step "tests (backend, console, end-to-end) with coverage"
results=$(mktemp)
status=0
npx jest --ci --coverage --json --outputFile="$results" || status=$?

# A closing line CI can read whatever the runner: "tests: N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
  if (r.numPendingTests || r.numTodoTests) { console.log(`${r.numPendingTests + r.numTodoTests} skipped or todo tests: not allowed`); process.exit(1); }
  if (r.numTotalTests === 0) { console.log("no test ran"); process.exit(1); }
' "$results" || status=1
rm -f "$results"
node scripts/coverage-by-area.js
echo "total time: $(( $(date +%s) - started )) s"
exit "$status"
