#!/usr/bin/env bash
# The full test suite, exactly as CI runs it (`npm test`). It sets up everything the tests need
# (Node.js 24 via scripts/use-node24.sh; test bed: sshd, Docker engine, Chromium, test images),
# builds, then runs the quality gates in order: lint (no warnings allowed), type-check
# (TypeScript and Vue templates), every jest test with coverage (kernel and each plugin
# backend must keep >= 90% line coverage), and the kernel and plugin suites again on PostgreSQL
# (part of them beside the main run, the rest after it). A missing test bed fails the run;
# nothing is skipped. The .deb and the RPM its packaging tests install are built in the
# background meanwhile.
# Each phase's duration is printed when it ends and again in a table at the end (also when a
# phase fails), so a slow CI run shows where it went.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

phases=()    # "name<TAB>seconds<TAB>result" of every phase that ran
current=""   # the phase running now, empty between phases
current_started=0

# The jobs started in the background below (each in its own session), stopped with the run if
# it ends first (a failed phase).
prebuild_pid=""
pg_beside_pid=""
stop_background() {
  local pid
  for pid in "$prebuild_pid" "$pg_beside_pid"; do
    [[ -z $pid ]] || kill -- "-$pid" 2>/dev/null || true
  done
}

# A phase starts with `phase <name>` and ends with `phase_done [result]`.
phase() {
  current=$1
  current_started=$(date +%s)
  printf '\n=== %s\n' "$current"
}
phase_done() {
  local result=${1:-ok} took=$(( $(date +%s) - current_started ))
  phases+=("$current"$'\t'"$took"$'\t'"$result")
  printf '=== %s: %s in %d s\n' "$current" "$result" "$took"
  current=""
}
# The table of phase times. On EXIT so a phase that fails (set -e) is reported too.
print_times() {
  local status=$?
  stop_background
  [[ -n $current ]] && phase_done "FAILED"
  printf '\nphase times:\n'
  local row name took result
  for row in "${phases[@]}"; do
    IFS=$'\t' read -r name took result <<<"$row"
    printf '  %-52s %5d s  %2dm%02ds  %s\n' "$name" "$took" $((took / 60)) $((took % 60)) "$result"
  done
  local total=$(( $(date +%s) - started ))
  printf '  %-52s %5d s  %2dm%02ds\n' "total" "$total" $((total / 60)) $((total % 60))
  exit "$status"
}
trap print_times EXIT

# Node.js 24 first on PATH for everything below (fetched from the npm registry when the machine's
# Node is another major; native modules rebuilt for it), and its version at the top of the log.
phase "Node.js 24"
source scripts/use-node24.sh
phase_done "$(node -v)"

phase "test bed (sshd, Docker engine, PostgreSQL, Chromium, test images)"
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/testbed.sh
elif command -v sudo >/dev/null; then
  sudo -n bash scripts/testbed.sh
else
  echo "The test bed needs root: run 'sudo bash scripts/testbed.sh' once, then npm test again." >&2
  exit 1
fi
phase_done

# The .deb and the RPM, built into the packaging tests' cache in the background at the lowest
# priority while the phases below run (scripts/packages/prebuild.js): about 5 minutes of npm ci
# and native compiles that would otherwise hold up the run when those tests start. Its own
# session (setsid), so an early exit stops the whole build with it.
prebuild_log=$(mktemp)
setsid nice -n 19 node scripts/packages/prebuild.js >"$prebuild_log" 2>&1 &
prebuild_pid=$!

phase "build (kernel, plugins, console)"
npm run build
phase_done

phase "lint (eslint, no warnings)"
npm run lint
phase_done

phase "type-check (tsc and vue-tsc)"
npm run typecheck
phase_done

# The PostgreSQL pass (issue 24; files: scripts/postgres/test-files.js) in two parts. Its
# `beside` part (files that start a kernel, without Docker apps or timed assertions; ~4 minutes,
# mostly one core) runs at the same time as the main run below, in its own session and log; the
# `alone` part (the e2e and timed files) runs after it, as the main run's files do, one at a time.
# Each test kernel gets a database of its own on the test bed's PostgreSQL. No coverage there:
# the main run holds the gate (and runs the *.postgres.test.ts files on PostgreSQL itself).
pg_beside_results=$(mktemp)
pg_beside_log=$(mktemp)
pg_beside_started=$(date +%s)
setsid bash -c 'bash scripts/postgres/run-tests.sh --part beside --ci --json --outputFile="$1" >"$2" 2>&1; echo "$?" >"$2.status"; echo "$(date +%s)" >"$2.ended"' _ "$pg_beside_results" "$pg_beside_log" &
pg_beside_pid=$!

phase "tests (backend, console, end-to-end) with coverage"
results=$(mktemp)
status=0
npx jest --ci --coverage --json --outputFile="$results" || status=$?
node scripts/test-results.js tests "$results" || status=1
rm -f "$results"
cat "$prebuild_log"
node scripts/coverage-by-area.js
if ((status)); then phase_done "FAILED"; else phase_done; fi

phase "tests on PostgreSQL ($(node scripts/postgres/test-files.js | wc -l) files: $(node scripts/postgres/test-files.js beside | wc -l) beside the main run, then $(node scripts/postgres/test-files.js alone | wc -l))"
pg_status=0
wait "$pg_beside_pid" || true
pg_beside_pid=""
printf '\n--- the part beside the main run (its own log):\n'
cat "$pg_beside_log"
printf -- '--- that part: exit %s, %d s from its start\n\n' "$(cat "$pg_beside_log.status" 2>/dev/null || echo '?')" $(( $(cat "$pg_beside_log.ended" 2>/dev/null || date +%s) - pg_beside_started ))
pg_alone_results=$(mktemp)
bash scripts/postgres/run-tests.sh --part alone --ci --json --outputFile="$pg_alone_results" || pg_status=$?
node scripts/test-results.js "tests on PostgreSQL" "$pg_beside_results" "$pg_alone_results" || pg_status=1
rm -f "$pg_beside_results" "$pg_alone_results" "$pg_beside_log"*
if ((pg_status)); then phase_done "FAILED"; else phase_done; fi
exit $(( status || pg_status ))
