#!/bin/sh
# One HTTP request: stdin/stdout are the connection (nc -e). HTTP/1.0, Connection: close.
#   GET /         "webapp vN" and the visit count, which it increments (kept in the /data volume)
#   GET /visits   the visit count, unchanged
#   GET /version  "webapp vN"
#   GET /health   200 "ok", or 500 "unhealthy" when WEBAPP_HEALTH=fail (tag 3-unhealthy)
#   GET /db       connects to DB_HOST:DB_PORT with DB_PASSWORD (tomo-test/db): "db ok" / "db denied" / "db unreachable"
#   GET /cache    sends PING to CACHE_HOST:CACHE_PORT (tomo-test/cache): "cache ok" / "cache unreachable"
# Every request is logged as one line on the container's stdout (PID 1's), except the Docker
# health probe (/health?probe=healthcheck), which would add a line every 2 s.
cr=$(printf '\r')
IFS=' ' read -r -t 10 method target _ || exit 0
# The headers are read and ignored, up to the blank line.
while IFS= read -r -t 10 line; do
  line=${line%"$cr"}
  [ -z "$line" ] && break
done
path=${target%%\?*}

counter=/data/visits
visits() { cat "$counter" 2>/dev/null || echo 0; }

respond() {
  status=$1 body=$2
  printf 'HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$status" "${#body}" "$body"
  [ "$target" = /health?probe=healthcheck ] && return 0
  log="webapp v$WEBAPP_VERSION: $method $path ${status%% *}"
  { echo "$log" >/proc/1/fd/1; } 2>/dev/null || echo "$log" >&2
}

nl='
'
case "$method $path" in
  "GET /")
    n=$(($(visits) + 1))
    echo "$n" >"$counter.tmp" && mv "$counter.tmp" "$counter"
    respond '200 OK' "webapp v$WEBAPP_VERSION${nl}visits $n$nl" ;;
  "GET /visits") respond '200 OK' "$(visits)$nl" ;;
  "GET /version") respond '200 OK' "webapp v$WEBAPP_VERSION$nl" ;;
  "GET /health")
    if [ "$WEBAPP_HEALTH" = ok ]; then respond '200 OK' "ok$nl"; else respond '500 Internal Server Error' "unhealthy$nl"; fi ;;
  "GET /db")
    answer=$(printf '%s\n' "${DB_PASSWORD:-}" | nc -w 3 "${DB_HOST:-db}" "${DB_PORT:-5432}" 2>/dev/null || true)
    case $answer in ok*) r="db ok" ;; denied*) r="db denied" ;; *) r="db unreachable" ;; esac
    respond '200 OK' "$r$nl" ;;
  "GET /cache")
    answer=$(echo PING | nc -w 3 "${CACHE_HOST:-cache}" "${CACHE_PORT:-6379}" 2>/dev/null || true)
    case $answer in PONG*) r="cache ok" ;; *) r="cache unreachable" ;; esac
    respond '200 OK' "$r$nl" ;;
  *) respond '404 Not Found' "not found: $path$nl" ;;
esac
