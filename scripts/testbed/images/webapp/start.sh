#!/bin/sh
# PID 1 of tomo-test/webapp: says what it is (and the APP_SECRET it got, so tests can check
# that Tomo masks generated values in logs), then serves HTTP, one http.sh per connection.
set -eu
mkdir -p /data
echo "webapp v$WEBAPP_VERSION starting on port $PORT (health: $WEBAPP_HEALTH)"
if [ -n "${APP_SECRET:-}" ]; then echo "webapp v$WEBAPP_VERSION APP_SECRET=$APP_SECRET"; else echo "webapp v$WEBAPP_VERSION APP_SECRET is not set"; fi
# -ll: keep listening, a child per connection.
exec nc -ll -p "$PORT" -e /app/http.sh
