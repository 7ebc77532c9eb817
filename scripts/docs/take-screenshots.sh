#!/usr/bin/env bash
# Re-takes the user guide's screenshots (docs/images/*.png): runs the browser tests that show each
# page with TOMO_DOCS_SCREENSHOTS=1 (see scripts/testbed/docs-screenshot.js). Needs the test bed
# and a build (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p docs/images
TOMO_DOCS_SCREENSHOTS=1 npx jest --selectProjects backend --testPathPattern \
  'plugins/apps/test/apps-console|examples/test/alpine-plugin|plugins/backup/test/backup-console|plugins/servers/test/servers-console|plugins/monitoring/test/monitoring-console|plugins/activity/test/activity-console|plugins/alerts/test/alerts-console'
ls -l docs/images
