#!/usr/bin/env bash
# Runs the PostgreSQL subset (scripts/postgres/test-files.js) against the test bed's PostgreSQL:
# each test kernel gets a database of its own there (kernel/src/testing/test-database.ts).
#   bash scripts/postgres/run-tests.sh [extra jest arguments]
# Needs the test bed (sudo bash scripts/testbed.sh) and a build-free jest (sources via swc).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOMO_TEST_DATABASE_URL=$(node -e 'console.log(require("./scripts/testbed/testbed").loadTestbed().postgres.url)')
export TOMO_TEST_DATABASE_URL
node scripts/postgres/drop-test-databases.js
mapfile -t files < <(node scripts/postgres/test-files.js)
exec npx jest --selectProjects backend --runTestsByPath "${files[@]}" "$@"
