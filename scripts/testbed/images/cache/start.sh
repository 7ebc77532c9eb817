#!/bin/sh
set -eu
echo "cache: ready on port $CACHE_PORT"
exec nc -ll -p "$CACHE_PORT" -e /app/session.sh
