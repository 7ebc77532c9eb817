#!/bin/sh
answer=$(echo PING | nc -w 2 127.0.0.1 "$CACHE_PORT" 2>/dev/null) || exit 1
[ "$answer" = PONG ]
