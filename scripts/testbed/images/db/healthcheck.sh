#!/bin/sh
# Healthy once it listens and accepts its own password.
answer=$(printf '%s\n' "$DB_PASSWORD" | nc -w 2 127.0.0.1 "$DB_PORT" 2>/dev/null) || exit 1
[ "$answer" = ok ]
