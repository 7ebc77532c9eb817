#!/bin/sh
set -eu
if [ -z "${DB_PASSWORD:-}" ]; then
  echo "db: DB_PASSWORD is not set; refusing to start" >&2
  exit 1
fi
echo "db: starting (ready in ${DB_STARTUP_SECONDS} s)"
sleep "$DB_STARTUP_SECONDS"
echo "db: ready on port $DB_PORT"
exec nc -ll -p "$DB_PORT" -e /app/session.sh
