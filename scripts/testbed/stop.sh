#!/usr/bin/env bash
# Stops the test sshd that scripts/testbed.sh started (found through its pid
# file). dockerd is left running on purpose: it is shared with whatever else
# uses Docker on this machine, and restarting it is the slow part of the bed.
#
#   sudo bash scripts/testbed/stop.sh
set -euo pipefail

STATE="${TOMO_TESTBED_DIR:-/var/lib/tomo-testbed}"
PID_FILE="$STATE/sshd.pid"
CONFIG="$STATE/sshd_config"

if [[ ! -s $PID_FILE ]]; then
  echo "testbed: test sshd is not running (no $PID_FILE)"
  exit 0
fi
pid=$(<"$PID_FILE")
[[ $pid =~ ^[0-9]+$ ]] || { echo "testbed: $PID_FILE does not hold a pid" >&2; exit 1; }

# Only signal the process if it really is our sshd: after a reboot the pid in
# a stale file may belong to something else.
# sshd rewrites its argv into one string ("sshd: /usr/sbin/sshd -f CONFIG
# ... [listener] ..."), so match on the joined command line.
ours=0
exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
if [[ $exe == */sshd* && "$cmdline " == *" -f $CONFIG "* ]]; then
  ours=1
fi
if ((!ours)); then
  echo "testbed: pid $pid from $PID_FILE is not the test sshd; removing the stale pid file"
  rm -f "$PID_FILE"
  exit 0
fi

# SIGTERM stops the listener; open test sessions end when their clients go.
kill -TERM "$pid"
for _ in $(seq 1 50); do # 5 s
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "testbed: sshd (pid $pid) did not stop within 5 s" >&2
  exit 1
fi
rm -f "$PID_FILE"
echo "testbed: stopped test sshd (pid $pid)"
