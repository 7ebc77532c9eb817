#!/usr/bin/env bash
# Tomo test bed: installs and starts everything the full test suite needs on
# this machine (an OpenSSH server with a test user, a Docker engine with two
# locally built images, Docker Compose v2, an image registry with test images,
# Chromium, and the tools the packaging and docs tests call).
#
#   sudo bash scripts/testbed.sh        # as root, on Debian 12 (or similar)
#
# Idempotent by design: it is run before every full test run and by CI on a
# fresh machine, so every step first checks whether its work is already done
# and a second run only verifies (a few seconds). Nothing here may depend on
# something installed by hand: only Debian's apt mirror and the npm registry
# are reachable, so the Docker images are built locally from busybox-static
# and nothing is ever pulled.
#
# Environment:
#   TOMO_TESTBED_DIR       state directory (default /var/lib/tomo-testbed)
#   TOMO_TESTBED_SSH_PORT  port of the test sshd (default 2222)
#   TOMO_TESTBED_DEBIAN_MIRROR  Debian mirror for Compose's .deb (default deb.debian.org)
#
#   TOMO_TESTBED_PG_PORT   port of the test PostgreSQL (default 5433)
#
# Result: $TOMO_TESTBED_DIR/testbed.json, read by scripts/testbed/testbed.js.
# Stop the test sshd again with scripts/testbed/stop.sh.

# -E so the ERR trap also fires inside functions.
set -Eeuo pipefail

# sudo/CI shells do not always put the sbin dirs (useradd, chpasswd, dockerd,
# sshd) on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

STATE="${TOMO_TESTBED_DIR:-/var/lib/tomo-testbed}"
SSH_PORT="${TOMO_TESTBED_SSH_PORT:-2222}"
SSH_HOST=127.0.0.1
TEST_USER=tomotest
TEST_HOME=/home/tomotest
SSHD=/usr/sbin/sshd
SSHD_CONFIG="$STATE/sshd_config"
SSHD_PID="$STATE/sshd.pid"
SSHD_LOG="$STATE/sshd.log"
DOCKERD_LOG="$STATE/dockerd.log"
DOCKER_SOCK=/var/run/docker.sock
BUSYBOX_IMAGE=tomo-test/busybox:1
HTTPD_IMAGE=tomo-test/httpd:1
HTTPD_TEXT='tomo-test-httpd ok'
CHROMIUM=/usr/bin/chromium
# The test image registry (see the "registry" step for the design).
REGISTRY_HOST=tomo-registry.test
REGISTRY_PORT=5000
REGISTRY_ADDRESS="$REGISTRY_HOST:$REGISTRY_PORT"
REGISTRY_DIR=/var/lib/tomo-testbed-registry # not under $STATE: the registry runs as its own user
REGISTRY_BIN=/usr/bin/docker-registry
REGISTRY_PID="$STATE/registry.pid"
DAEMON_JSON=/etc/docker/daemon.json
# The test PostgreSQL: its own cluster (not Debian's default one on 5432), owned by the
# postgres user, so not under $STATE (root only). Tests create a database each and drop it.
PG_PORT="${TOMO_TESTBED_PG_PORT:-5433}"
PG_DIR=/var/lib/tomo-testbed-postgres
PG_USER=tomotest
IMAGES_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/testbed/images"

# nginx and caddy: the docs tests check the reverse proxy examples with `nginx -t` and
# `caddy validate` (openssl makes nginx's test certificate); jq is used by documented commands.
# lintian, dpkg-dev (dpkg-shlibdeps) and binutils (strip): deb/build.sh and its test.
PACKAGES=(
  openssh-server openssh-client sudo docker.io chromium busybox-static age
  rpm rpmlint debootstrap iproute2 procps curl ca-certificates
  lintian dpkg-dev binutils
  nginx caddy openssl jq docker-registry
  postgresql
)

# ---------------------------------------------------------------- helpers --

step="start"
changes=()   # what this run had to do; empty means "everything was already up"
cleanups=()  # commands run on exit (temporary files, the check container, ...)
t0=$(date +%s%N)

log() { printf 'testbed: %s\n' "$*"; }
die() {
  printf 'testbed: FAILED [%s]: %s\n' "$step" "$*" >&2
  exit 1
}
on_err() {
  local rc=$1 line=$2 cmd=$3
  printf 'testbed: FAILED [%s]: command exited %s (line %s): %s\n' "$step" "$rc" "$line" "$cmd" >&2
}
on_exit() {
  local c
  for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR
trap on_exit EXIT

# Random alphanumeric string. Reads a bounded amount of /dev/urandom: with
# pipefail, `tr </dev/urandom | head` would fail on tr's SIGPIPE.
random_alnum() {
  local len=$1 out=""
  while ((${#out} < len)); do
    out+=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  done
  printf '%s' "${out:0:len}"
}

# Writes stdin to $1 with mode $2 atomically, so a crash never leaves a
# half-written secret or config behind.
write_file() {
  local dest=$1 mode=$2 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
}

# A JSON string literal. Values are paths and alphanumeric secrets; refuse
# control characters instead of escaping them all.
json_str() {
  local s=$1
  [[ $s != *[[:cntrl:]]* ]] || die "cannot put a value with control characters into testbed.json"
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

elapsed() { printf '%d.%01d s' $(( ($(date +%s%N) - t0) / 1000000000 )) $(( ($(date +%s%N) - t0) / 100000000 % 10 )); }

# ------------------------------------------------------------- preflight --

step="preflight"
[[ $EUID -eq 0 ]] || die "must run as root (sudo bash scripts/testbed.sh)"
if [[ ! $SSH_PORT =~ ^[0-9]{1,5}$ ]] || ((10#$SSH_PORT < 1 || 10#$SSH_PORT > 65535)); then
  die "TOMO_TESTBED_SSH_PORT must be a TCP port number, got '$SSH_PORT'"
fi
SSH_PORT=$((10#$SSH_PORT)) # "02222" would otherwise differ from 2222 in the config and JSON
[[ $STATE == /* ]] || die "TOMO_TESTBED_DIR must be an absolute path, got '$STATE'"
[[ $STATE != *[[:cntrl:][:space:]]* ]] || die "TOMO_TESTBED_DIR must not contain spaces or control characters"

# The state dir holds private keys and passwords: root only.
mkdir -p "$STATE"
chmod 0700 "$STATE"

# Serialise concurrent runs (e.g. two test commands started at once). Every
# daemon started below gets `9>&-` so it does not inherit and hold the lock.
exec 9>"$STATE/.lock"
flock -w 900 9 || die "another testbed.sh run holds $STATE/.lock"

# --------------------------------------------------------------- packages --

step="packages"
export DEBIAN_FRONTEND=noninteractive

# A machine that already runs Docker's own packages (docker-ce, moby-engine)
# has a working engine, and docker.io would conflict with it.
for alt in docker-ce moby-engine; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$alt" 2>/dev/null)" == installed ]]; then
    PACKAGES=("${PACKAGES[@]/docker.io/}")
  fi
done

missing=()
for p in "${PACKAGES[@]}"; do
  [[ -n $p ]] || continue
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  log "installing: ${missing[*]} (log: $STATE/apt.log)"
  # Package scripts must not start services: openssh-server would start a
  # system sshd on port 22 and docker.io's init script fails in containers
  # and sandboxes, which fails the whole install. Daemons are started below,
  # our way. Only add the standard "deny" policy if there is none already.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, from tomo scripts/testbed.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    cleanups+=("rm -f /usr/sbin/policy-rc.d")
  fi
  apt_opts=(-y -q --no-install-recommends
    -o DPkg::Lock::Timeout=600
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  : >"$STATE/apt.log"
  # `apt-get update` only when needed: no package lists at all, or the
  # install failed (stale lists point at files the mirror no longer has).
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt-get update -q -o DPkg::Lock::Timeout=600 >>"$STATE/apt.log" 2>&1 ||
      { tail -n 20 "$STATE/apt.log" >&2; die "apt-get update failed"; }
  fi
  if ! apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$STATE/apt.log" 2>&1; then
    log "install failed; running apt-get update and retrying"
    apt-get update -q -o DPkg::Lock::Timeout=600 >>"$STATE/apt.log" 2>&1 ||
      { tail -n 20 "$STATE/apt.log" >&2; die "apt-get update failed"; }
    apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$STATE/apt.log" 2>&1 ||
      { tail -n 30 "$STATE/apt.log" >&2; die "apt-get install failed: ${missing[*]}"; }
  fi
  for p in "${missing[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] ||
      die "package $p is still not installed (see $STATE/apt.log)"
  done
  changes+=("installed packages: ${missing[*]}")
fi

# Prefer the engine package's own client: it matches the daemon's API. (Some
# machines have another, newer docker client earlier in PATH.)
if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=$(command -v docker) || die "no docker client"; fi
DOCKERD=$(command -v dockerd) || die "no dockerd binary"
for tool in age rpm rpmlint lintian dpkg-shlibdeps strip debootstrap ip ss pgrep curl ssh ssh-keygen nginx caddy openssl jq "$SSHD" /bin/busybox "$CHROMIUM"; do
  command -v "$tool" >/dev/null || die "$tool is missing although its package is installed"
done

# ------------------------------------------------------------- test user --

step="user"
if ! getent passwd "$TEST_USER" >/dev/null; then
  useradd --create-home --home-dir "$TEST_HOME" --shell /bin/bash --user-group "$TEST_USER"
  changes+=("created user $TEST_USER")
fi
[[ "$(getent passwd "$TEST_USER" | cut -d: -f7)" == /bin/bash ]] || usermod --shell /bin/bash "$TEST_USER"
TEST_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
TEST_GROUP=$(id -gn "$TEST_USER")
if [[ ! -d $TEST_HOME ]]; then
  install -d -o "$TEST_USER" -g "$TEST_GROUP" -m 0750 "$TEST_HOME"
fi
# sshd's StrictModes refuses keys when the home dir is group/world writable.
chmod go-w "$TEST_HOME"

# Docker access is what the app needs on a managed server; sudo is not given
# here on purpose (tests install their own sudoers drop-ins).
getent group docker >/dev/null || groupadd --system docker
if [[ " $(id -nG "$TEST_USER") " != *" docker "* ]]; then
  usermod -aG docker "$TEST_USER"
  changes+=("added $TEST_USER to group docker")
fi

# Password: generated once, then re-applied on every run (cheap), so the
# stored value is always the one that works.
if [[ ! -s $STATE/password ]]; then
  random_alnum 20 | write_file "$STATE/password" 0600
  changes+=("generated password for $TEST_USER")
fi
chmod 0600 "$STATE/password"
PASSWORD=$(<"$STATE/password")
printf '%s:%s\n' "$TEST_USER" "$PASSWORD" | chpasswd

# ------------------------------------------------------------------- keys --

step="keys"
# Generates an OpenSSH-format key pair once. Into a temp dir first, so an
# interrupted run never leaves a private key without its public half.
gen_key() {
  local file=$1 type=$2 bits=$3 pass=$4 comment=$5 tmp
  [[ -s $file && -s $file.pub ]] && return 0
  tmp=$(mktemp -d "$STATE/keygen.XXXXXX")
  cleanups+=("rm -rf '$tmp'")
  if [[ -n $bits ]]; then
    ssh-keygen -q -t "$type" -b "$bits" -N "$pass" -C "$comment" -f "$tmp/key"
  else
    ssh-keygen -q -t "$type" -N "$pass" -C "$comment" -f "$tmp/key"
  fi
  chmod 0600 "$tmp/key"
  chmod 0644 "$tmp/key.pub"
  mv -f "$tmp/key.pub" "$file.pub"
  mv -f "$tmp/key" "$file"
  changes+=("generated ${file##*/}")
}

# Host keys of the test sshd: its own, so tests can pin them.
gen_key "$STATE/ssh_host_ed25519_key" ed25519 "" "" "tomo-testbed-host"
gen_key "$STATE/ssh_host_rsa_key" rsa 3072 "" "tomo-testbed-host"

# Client keys for tomotest.
if [[ ! -s $STATE/id_ed25519_enc.passphrase ]]; then
  # A passphrase without its key is useless, and a key without its
  # passphrase too: regenerate both together.
  rm -f "$STATE/id_ed25519_enc" "$STATE/id_ed25519_enc.pub"
  random_alnum 24 | write_file "$STATE/id_ed25519_enc.passphrase" 0600
fi
chmod 0600 "$STATE/id_ed25519_enc.passphrase"
KEY_PASSPHRASE=$(<"$STATE/id_ed25519_enc.passphrase")
gen_key "$STATE/id_ed25519" ed25519 "" "" "tomotest-ed25519@tomo-testbed"
gen_key "$STATE/id_rsa" rsa 3072 "" "tomotest-rsa@tomo-testbed"
gen_key "$STATE/id_ed25519_enc" ed25519 "" "$KEY_PASSPHRASE" "tomotest-ed25519-enc@tomo-testbed"
# The stored passphrase must really open the encrypted key.
ssh-keygen -y -P "$KEY_PASSPHRASE" -f "$STATE/id_ed25519_enc" >/dev/null 2>&1 ||
  die "stored passphrase does not open $STATE/id_ed25519_enc (delete it and $STATE/id_ed25519_enc.passphrase to regenerate)"

# authorized_keys: make sure our three keys are present. Lines are only ever
# added, so keys that a test put there are left alone.
install -d -o "$TEST_USER" -g "$TEST_GROUP" -m 0700 "$TEST_HOME/.ssh"
AK="$TEST_HOME/.ssh/authorized_keys"
[[ -e $AK ]] || install -o "$TEST_USER" -g "$TEST_GROUP" -m 0600 /dev/null "$AK"
for k in id_ed25519 id_rsa id_ed25519_enc; do
  line=$(<"$STATE/$k.pub")
  if ! grep -qxF -- "$line" "$AK"; then
    # Never glue a key onto an unterminated last line.
    if [[ -s $AK && -n "$(tail -c 1 "$AK")" ]]; then printf '\n' >>"$AK"; fi
    printf '%s\n' "$line" >>"$AK"
    changes+=("authorized $k for $TEST_USER")
  fi
done
chown "$TEST_USER:$TEST_GROUP" "$TEST_HOME/.ssh" "$AK"
chmod 0700 "$TEST_HOME/.ssh"
chmod 0600 "$AK"

# known_hosts for clients (this script's own login check, and tests that
# want strict host key checking against the test sshd).
{
  for k in ed25519 rsa; do
    read -r ktype kdata _ <"$STATE/ssh_host_${k}_key.pub"
    printf '[%s]:%s %s %s\n' "$SSH_HOST" "$SSH_PORT" "$ktype" "$kdata"
  done
} | write_file "$STATE/known_hosts" 0644

# ------------------------------------------------------------------- sshd --

step="sshd"
mkdir -p /run/sshd # privilege separation dir; /run is a tmpfs on most hosts
chmod 0755 /run/sshd

desired_config=$(cat <<EOF
# Generated by tomo scripts/testbed.sh; rewritten on every run.
# A private sshd for the test suite, separate from any system sshd.
Port $SSH_PORT
ListenAddress $SSH_HOST
HostKey $STATE/ssh_host_ed25519_key
HostKey $STATE/ssh_host_rsa_key
PidFile $SSHD_PID
# PAM so password logins go through the same stack as on a real server.
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin no
# Tests open many parallel connections and sessions (connection pools,
# concurrent commands); the defaults (10:30:100, 10) would drop them.
MaxStartups 100:30:200
MaxSessions 100
# Never cut idle test connections.
ClientAliveInterval 0
# internal-sftp needs no helper binary at a distro-specific path.
Subsystem sftp internal-sftp
AcceptEnv LANG LC_*
PrintMotd no
EOF
)
config_changed=0
if [[ ! -f $SSHD_CONFIG || "$(<"$SSHD_CONFIG")" != "$desired_config" ]]; then
  printf '%s\n' "$desired_config" | write_file "$SSHD_CONFIG" 0600
  config_changed=1
fi
"$SSHD" -t -f "$SSHD_CONFIG" || die "sshd rejects $SSHD_CONFIG"

# PID of our sshd when it runs: the pid file must name a live sshd that was
# started with our config (a pid can be reused by an unrelated process).
# sshd rewrites its argv into one string ("sshd: /usr/sbin/sshd -f CONFIG ...
# [listener] ..."), so match on the joined command line.
our_sshd_pid() {
  local pid exe cmdline
  [[ -s $SSHD_PID ]] || return 1
  pid=$(<"$SSHD_PID")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ $exe == */sshd || $exe == */sshd" (deleted)" ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline " == *" -f $SSHD_CONFIG "* ]] || return 1
  printf '%s' "$pid"
}

# True when something on the port speaks SSH.
ssh_banner_ok() {
  # shellcheck disable=SC2016 # $1/$2 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r line <&3 && [[ $line == SSH-2.0-* ]]' \
    _ "$SSH_HOST" "$SSH_PORT" 2>/dev/null
}

if pid=$(our_sshd_pid); then
  if ((config_changed)); then
    # SIGHUP makes sshd re-exec itself and re-read the config.
    kill -HUP "$pid"
    changes+=("reloaded sshd config")
  fi
else
  if ss -Hltn "sport = :$SSH_PORT" | grep -q .; then
    die "port $SSH_PORT is taken by another process: $(ss -Hltnp "sport = :$SSH_PORT" | tr -s ' ' | head -n 3)"
  fi
  rm -f "$SSHD_PID"
  # sshd daemonises by itself; -E keeps its log in the state dir (there is
  # no syslog in containers). 9>&- so it does not keep our lock.
  # shellcheck disable=SC2094 # -E names the log; nothing reads it here
  "$SSHD" -f "$SSHD_CONFIG" -E "$SSHD_LOG" </dev/null >>"$SSHD_LOG" 2>&1 9>&- ||
    { tail -n 20 "$SSHD_LOG" >&2; die "sshd failed to start"; }
  changes+=("started sshd on $SSH_HOST:$SSH_PORT")
fi

ok=0
for _ in $(seq 1 100); do # 10 s
  if our_sshd_pid >/dev/null && ssh_banner_ok; then ok=1; break; fi
  sleep 0.1
done
((ok)) || { tail -n 20 "$SSHD_LOG" >&2 || true; die "sshd is not accepting connections on $SSH_HOST:$SSH_PORT after 10 s"; }

# ----------------------------------------------------------------- docker --

step="docker"
docker_ok() { timeout 20 "$DOCKER" info >/dev/null 2>&1; }

# The engine pulls from the test registry over plain HTTP (see the "registry"
# step): it must list it in insecure-registries. Merged into an existing
# daemon.json (whatever else it says is kept); written before dockerd starts on a
# fresh machine, applied with SIGHUP (a live reload that leaves running
# containers alone) when dockerd already runs.
daemon_json_changed=0
if [[ -s $DAEMON_JSON ]]; then
  jq -e . "$DAEMON_JSON" >/dev/null 2>&1 || die "$DAEMON_JSON is not valid JSON"
  if ! jq -e --arg r "$REGISTRY_ADDRESS" '(.["insecure-registries"] // []) | index($r)' "$DAEMON_JSON" >/dev/null; then
    merged=$(jq --arg r "$REGISTRY_ADDRESS" '.["insecure-registries"] = ((.["insecure-registries"] // []) + [$r])' "$DAEMON_JSON")
    # Rewritten in place, not replaced: it may be a bind mount.
    printf '%s\n' "$merged" >"$DAEMON_JSON"
    daemon_json_changed=1
  fi
else
  mkdir -p "${DAEMON_JSON%/*}"
  jq -n --arg r "$REGISTRY_ADDRESS" '{"insecure-registries": [$r]}' >"$DAEMON_JSON"
  daemon_json_changed=1
fi
((daemon_json_changed)) && changes+=("listed $REGISTRY_ADDRESS in insecure-registries of $DAEMON_JSON")

if ! docker_ok; then
  if pgrep -x dockerd >/dev/null; then
    log "dockerd is running but not answering yet; waiting"
  else
    # Not `service docker start`: Debian's init script raises the fd limit,
    # which sandboxes refuse. setsid+nohup detach the daemon from this
    # script's session so it survives a non-interactive CI shell exiting.
    log "starting dockerd (log: $DOCKERD_LOG)"
    setsid nohup "$DOCKERD" </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
    changes+=("started dockerd")
  fi
  ok=0
  for _ in $(seq 1 120); do # 60 s
    if docker_ok; then ok=1; break; fi
    sleep 0.5
  done
  ((ok)) || { tail -n 30 "$DOCKERD_LOG" >&2 || true; die "docker info does not answer after 60 s"; }
fi
[[ -S $DOCKER_SOCK ]] || die "docker answers, but not on $DOCKER_SOCK"

# True when the engine treats the test registry as insecure (plain HTTP).
registry_insecure_ok() {
  [[ "$(timeout 20 "$DOCKER" info --format "{{with index .RegistryConfig.IndexConfigs \"$REGISTRY_ADDRESS\"}}{{.Secure}}{{end}}" 2>/dev/null)" == false ]]
}
if ! registry_insecure_ok; then
  # This host's dockerd, by its pid file (fresh servers run dockerds of their own,
  # visible in this process list, so not `pidof dockerd`).
  dockerd_pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  [[ $dockerd_pid =~ ^[0-9]+$ && "$(readlink "/proc/$dockerd_pid/exe" 2>/dev/null)" == */dockerd ]] ||
    die "dockerd does not list $REGISTRY_ADDRESS as insecure and /var/run/docker.pid names no dockerd to reload"
  kill -HUP "$dockerd_pid"
  changes+=("reloaded dockerd's configuration (SIGHUP)")
  ok=0
  for _ in $(seq 1 50); do # 10 s
    if registry_insecure_ok; then ok=1; break; fi
    sleep 0.2
  done
  ((ok)) || { tail -n 20 "$DOCKERD_LOG" >&2 || true; die "dockerd did not take $REGISTRY_ADDRESS as an insecure registry from $DAEMON_JSON (conflicting --insecure-registry flags?)"; }
fi

# ---------------------------------------------------------- compose v2 --

step="compose"
# Docker Compose v2 for the host engine: the compose deploy path is tested on the
# main test bed server (this engine, reached as $TEST_USER over the test sshd).
# Debian 12 ships only Compose v1 (Python), so we take Debian 13's docker-compose
# .deb from the same mirror's pool: it is a static Go binary that depends only on
# libc6 (>= 2.34), which bookworm has. Pinned by version and SHA256: when the
# mirror drops this version (after a trixie point release), update both from
# https://packages.debian.org/trixie/docker-compose. It installs the CLI plugin
# /usr/libexec/docker/cli-plugins/docker-compose (found by both the docker.io
# client and newer ones) plus /usr/bin/docker-compose.
COMPOSE_DEB_VERSION=2.26.1-4
COMPOSE_DEB_SHA256=47681197cb2b1ab88206b42a1a92fc75f50d9530a6322d03494a473eed0408ea
COMPOSE_DEB_MIRROR="${TOMO_TESTBED_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
COMPOSE_DEB_URL="${COMPOSE_DEB_MIRROR%/}/pool/main/d/docker-compose/docker-compose_${COMPOSE_DEB_VERSION}_amd64.deb"

# Prints the Compose version when `docker compose` is v2: "2.26.1" (Debian's build
# says "2.26.1-4"; the packaging revision is dropped).
compose_v2_version() {
  local v
  v=$("$DOCKER" compose version --short 2>/dev/null) || return 1
  [[ $v =~ ^v?(2\.[0-9]+\.[0-9]+) ]] || return 1
  printf '%s' "${BASH_REMATCH[1]}"
}

if ! compose_version=$(compose_v2_version); then
  [[ "$(dpkg --print-architecture)" == amd64 ]] ||
    die "Compose v2 from Debian 13's pool is only wired for amd64 here (this is $(dpkg --print-architecture))"
  deb="$STATE/docker-compose_${COMPOSE_DEB_VERSION}_amd64.deb"
  if [[ ! -s $deb ]] || ! sha256sum -c --status <<<"$COMPOSE_DEB_SHA256  $deb"; then
    log "downloading $COMPOSE_DEB_URL"
    curl -fsS --retry 3 --max-time 300 -o "$deb.tmp" "$COMPOSE_DEB_URL" ||
      die "cannot download $COMPOSE_DEB_URL (set TOMO_TESTBED_DEBIAN_MIRROR, or update COMPOSE_DEB_VERSION/SHA256)"
    sha256sum -c --status <<<"$COMPOSE_DEB_SHA256  $deb.tmp" ||
      { rm -f "$deb.tmp"; die "checksum mismatch for $COMPOSE_DEB_URL (expected $COMPOSE_DEB_SHA256)"; }
    mv -f "$deb.tmp" "$deb"
  fi
  # apt-get (not dpkg -i) so it waits for the dpkg lock and checks the dependency.
  # It replaces Debian 12's own docker-compose (v1) if present: same package name.
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "$deb" >>"$STATE/apt.log" 2>&1 ||
    { tail -n 20 "$STATE/apt.log" >&2; die "installing $deb failed"; }
  compose_version=$(compose_v2_version) ||
    die "docker compose version does not report v2 after installing docker-compose $COMPOSE_DEB_VERSION"
  changes+=("installed Docker Compose $compose_version (docker-compose $COMPOSE_DEB_VERSION from Debian 13)")
fi

# ----------------------------------------------------------------- images --

step="images"
image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# Root file system for the test images: static busybox plus a symlink for
# every applet at its usual path, and just enough /etc for tools like id.
make_rootfs() {
  local root=$1 applet
  mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp" "$root/www"
  chmod 1777 "$root/tmp"
  install -m 0755 /bin/busybox "$root/bin/busybox"
  while read -r applet; do
    applet=${applet#/}
    [[ -n $applet && $applet != bin/busybox ]] || continue
    mkdir -p "$root/${applet%/*}"
    ln -sf /bin/busybox "$root/$applet"
  done < <(/bin/busybox --list-full)
  [[ -L $root/bin/sh ]] || die "busybox has no sh applet"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

import_rootfs() {
  local root=$1 image=$2
  shift 2
  tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
    "$DOCKER" import "$@" - "$image" >/dev/null
}

if ! image_exists "$BUSYBOX_IMAGE" || ! image_exists "$HTTPD_IMAGE"; then
  [[ "$(file -b /bin/busybox 2>/dev/null || echo static)" == *static* ]] ||
    die "/bin/busybox is not statically linked (is busybox-static installed?)"
  rootfs=$(mktemp -d /tmp/tomo-testbed-rootfs.XXXXXX)
  cleanups+=("rm -rf '$rootfs'")
  make_rootfs "$rootfs"
  path_env='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  if ! image_exists "$BUSYBOX_IMAGE"; then
    import_rootfs "$rootfs" "$BUSYBOX_IMAGE" -c "$path_env" -c 'CMD ["/bin/sh"]'
    changes+=("built $BUSYBOX_IMAGE")
  fi
  if ! image_exists "$HTTPD_IMAGE"; then
    printf '<!doctype html>\n<title>tomo-test</title>\n<p>%s</p>\n' "$HTTPD_TEXT" >"$rootfs/www/index.html"
    import_rootfs "$rootfs" "$HTTPD_IMAGE" -c "$path_env" -c 'EXPOSE 80' \
      -c 'CMD ["/bin/busybox","httpd","-f","-p","80","-h","/www"]'
    changes+=("built $HTTPD_IMAGE")
  fi
fi

# The busybox image runs commands.
out=$("$DOCKER" run --rm --network none "$BUSYBOX_IMAGE" sh -c 'echo tomo-busybox-ok') ||
  die "cannot run $BUSYBOX_IMAGE"
[[ $out == tomo-busybox-ok ]] || die "$BUSYBOX_IMAGE printed '$out'"

# The httpd image serves its page through a published port. Docker picks the
# free host port (127.0.0.1::80), so parallel runs cannot collide. No --rm:
# it would race with our own `rm -f` (busybox httpd as PID 1 ignores SIGTERM,
# so the container is killed, not stopped).
check_name="tomo-testbed-httpd-check-$$"
cleanups+=("'$DOCKER' rm -f '$check_name'")
"$DOCKER" run -d --name "$check_name" -p "$SSH_HOST::80" "$HTTPD_IMAGE" >/dev/null ||
  die "cannot start $HTTPD_IMAGE"
hostport=$("$DOCKER" port "$check_name" 80/tcp | sed -n 1p)
[[ -n $hostport ]] || die "no published port for the httpd check container"
ok=0
for _ in $(seq 1 100); do # 10 s
  if body=$(curl -fsS --noproxy '*' --max-time 2 "http://$hostport/index.html" 2>/dev/null) &&
    [[ $body == *"$HTTPD_TEXT"* ]]; then ok=1; break; fi
  sleep 0.1
done
"$DOCKER" rm -f "$check_name" >/dev/null 2>&1 || true
((ok)) || die "$HTTPD_IMAGE did not serve '$HTTPD_TEXT' on http://$hostport/"

# --------------------------------------------------------------- registry --

step="registry"
# A real image registry for the apps tests (pulls, digests, updates): Debian's
# docker-registry, the reference "distribution" registry. The test images are
# built here from the local busybox image and PUSHED to it; nothing pretends a
# pre-loaded image was pulled (the pushed references are untagged on this
# engine again, so a test that wants one here pulls it).
#
# One image reference works on every test server:
#   tomo-registry.test:5000/tomo-test/<name>:<tag>
# tomo-registry.test resolves to the address of Docker's bridge on this host
# (docker0, usually 172.17.0.1), and the registry listens there:
#   - this host (the main test bed server) maps the name in /etc/hosts;
#   - fresh servers (system containers on that bridge, scripts/testbed/fresh-server.js
#     with `registry: true`) get it with --add-host; the bridge is their route out.
# Not 127.0.0.1 (Docker's exempt-from-TLS range): inside a fresh server that is
# the server itself. So the registry speaks plain HTTP on the bridge address and
# each engine lists it in insecure-registries (done above for this engine; by
# fresh-server.js in daemon.json before preparation, as a user would). Not on
# every interface either: it takes pushes without authentication.
bridge=$("$DOCKER" network inspect bridge --format '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null || true)
bridge=${bridge:-docker0}
REGISTRY_IP=$(ip -4 -o addr show dev "$bridge" 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
[[ $REGISTRY_IP =~ ^[0-9]+(\.[0-9]+){3}$ ]] || die "Docker's bridge $bridge has no IPv4 address"
REGISTRY_URL="http://$REGISTRY_ADDRESS"

# The name, in /etc/hosts (rewritten in place: in containers it is a bind mount).
hosts_line="$REGISTRY_IP $REGISTRY_HOST"
if ! grep -q "^$hosts_line\( \|\$\)" /etc/hosts; then
  others=$(awk -v h="$REGISTRY_HOST" '{ for (i = 2; i <= NF; i++) if ($i == h) next } { print }' /etc/hosts)
  printf '%s\n%s # tomo scripts/testbed.sh: the test image registry\n' "$others" "$hosts_line" >/etc/hosts
  changes+=("mapped $REGISTRY_HOST to $REGISTRY_IP in /etc/hosts")
fi
[[ "$(getent hosts "$REGISTRY_HOST" | awk '{ print $1; exit }')" == "$REGISTRY_IP" ]] ||
  die "$REGISTRY_HOST does not resolve to $REGISTRY_IP (check /etc/hosts and nsswitch.conf)"

# The package's own service (on machines that run systemd) would listen on
# :5000 with htpasswd auth: this bed runs its own instance instead.
if [[ -d /run/systemd/system ]] && systemctl is-enabled --quiet docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
  changes+=("disabled the packaged docker-registry service (the test bed runs its own)")
fi

getent passwd docker-registry >/dev/null || die "the docker-registry package did not create its user"
install -d -o docker-registry -g docker-registry -m 0750 "$REGISTRY_DIR" "$REGISTRY_DIR/data"
# Open (no auth: block, unlike the package's config), deletes allowed (tests may
# remove what they pushed).
desired_registry_config=$(cat <<EOF
# Generated by tomo scripts/testbed.sh; rewritten on every run.
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_IP:$REGISTRY_PORT
  headers:
    X-Content-Type-Options: [nosniff]
EOF
)
registry_config_changed=0
if [[ ! -f $REGISTRY_DIR/config.yml || "$(<"$REGISTRY_DIR/config.yml")" != "$desired_registry_config" ]]; then
  printf '%s\n' "$desired_registry_config" | write_file "$REGISTRY_DIR/config.yml" 0644
  registry_config_changed=1
fi

# PID of our registry when it runs (the pid file must name a live docker-registry
# started with our config: a pid can be reused).
our_registry_pid() {
  local pid cmdline
  [[ -s $REGISTRY_PID ]] || return 1
  pid=$(<"$REGISTRY_PID")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$REGISTRY_BIN" ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *" $REGISTRY_DIR/config.yml "* ]] || return 1
  printf '%s' "$pid"
}
registry_ok() { curl -fsS --noproxy '*' --max-time 2 -o /dev/null "$REGISTRY_URL/v2/" 2>/dev/null; }

if pid=$(our_registry_pid) && ((registry_config_changed)); then
  # The registry does not reload its configuration: restart it.
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$REGISTRY_PID"
  changes+=("stopped the registry (its configuration changed)")
fi
if ! our_registry_pid >/dev/null; then
  if ss -Hltn "sport = :$REGISTRY_PORT" | awk -v a="$REGISTRY_IP:$REGISTRY_PORT" '$4 == a || $4 ~ /^(\*|0\.0\.0\.0|\[::\]):/ { f = 1 } END { exit !f }'; then
    die "port $REGISTRY_IP:$REGISTRY_PORT is taken by another process: $(ss -Hltnp "sport = :$REGISTRY_PORT" | tr -s ' ' | head -n 3)"
  fi
  # As the package's user. setsid and setpriv exec (no fork): $! is the registry.
  setsid nohup setpriv --reuid=docker-registry --regid=docker-registry --init-groups \
    "$REGISTRY_BIN" serve "$REGISTRY_DIR/config.yml" </dev/null >>"$REGISTRY_DIR/registry.log" 2>&1 9>&- &
  printf '%s\n' "$!" >"$REGISTRY_PID"
  changes+=("started the registry on $REGISTRY_IP:$REGISTRY_PORT")
fi
ok=0
for _ in $(seq 1 100); do # 10 s
  if our_registry_pid >/dev/null && registry_ok; then ok=1; break; fi
  sleep 0.1
done
((ok)) || { tail -n 20 "$REGISTRY_DIR/registry.log" >&2 || true; die "the registry does not answer $REGISTRY_URL/v2/ after 10 s"; }

# The test images (sources and what they do: scripts/testbed/images/README.md):
# local name (kept on this engine as the source of pushes and of
# scripts/testbed/registry.js's variants), build directory, build arguments.
REGISTRY_IMAGES=(
  "tomo-test/webapp:1|webapp|VERSION=1 HEALTH=ok"
  "tomo-test/webapp:2|webapp|VERSION=2 HEALTH=ok"
  "tomo-test/webapp:3-unhealthy|webapp|VERSION=3 HEALTH=fail"
  "tomo-test/db:1|db|"
  "tomo-test/cache:1|cache|"
)
MANIFEST_ACCEPT='application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'

# The digest the registry serves for NAME:TAG (empty when it has none).
registry_digest() {
  { curl -fsSI --noproxy '*' --max-time 5 -H "Accept: $MANIFEST_ACCEPT" "$REGISTRY_URL/v2/${1%:*}/manifests/${1##*:}" 2>/dev/null || true; } |
    awk 'tolower($1) == "docker-content-digest:" { sub(/\r$/, "", $2); print $2 }'
}

pushed_dir="$REGISTRY_DIR/pushed" # the digest of each tag's last push by this script
install -d -m 0755 "$pushed_dir"
registry_summary=()
for entry in "${REGISTRY_IMAGES[@]}"; do
  IFS='|' read -r local_name dir args <<<"$entry"
  ref="$REGISTRY_ADDRESS/$local_name"
  build_args=()
  for a in $args; do build_args+=(--build-arg "$a"); done
  # The recipe: every file of the image and its arguments. A change rebuilds.
  recipe=$( (cd "$IMAGES_SRC/$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum && printf '%s\n' "$args") | sha256sum | cut -c1-16)
  have=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.tomo.testbed.recipe"}}' "$local_name" 2>/dev/null || true)
  record="$pushed_dir/${local_name//[\/:]/_}"
  if [[ $have != "$recipe" ]]; then
    # The classic builder: FROM the local busybox image, never a pull.
    DOCKER_BUILDKIT=0 "$DOCKER" build -q --label "org.tomo.testbed.recipe=$recipe" "${build_args[@]}" \
      -t "$local_name" "$IMAGES_SRC/$dir" >/dev/null || die "building $local_name from $IMAGES_SRC/$dir failed"
    rm -f "$record"
    changes+=("built $local_name")
  fi
  # Pushed unless the registry still serves what this script pushed last (a test
  # may have pushed a variant under a standard tag: this puts the standard back).
  served=$(registry_digest "$local_name")
  if [[ -z $served || ! -s $record || "$(<"$record")" != "$served" ]]; then
    "$DOCKER" tag "$local_name" "$ref"
    "$DOCKER" push -q "$ref" >/dev/null || die "docker push $ref failed"
    "$DOCKER" rmi "$ref" >/dev/null
    served=$(registry_digest "$local_name")
    [[ $served == sha256:* ]] || die "the registry serves no digest for $ref after the push"
    printf '%s\n' "$served" >"$record"
    changes+=("pushed $ref ($served)")
  fi
  registry_summary+=("${local_name#tomo-test/}@${served:7:12}")
done

# ------------------------------------------------------------- postgresql --

step="postgresql"
# Tomo's PostgreSQL support (issue 24) is tested on a real server: Debian's own
# PostgreSQL (15 on Debian 12, 17 on 13), a cluster of our own on 127.0.0.1:$PG_PORT
# that only the tests use. It is a throwaway test server, so durability is traded for
# speed (fsync off); max_connections is high because every test kernel has a pool.
[[ $PG_PORT =~ ^[0-9]{1,5}$ ]] || die "TOMO_TESTBED_PG_PORT must be a TCP port number, got '$PG_PORT'"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x $PG_BIN/pg_ctl ]] || die "no pg_ctl under /usr/lib/postgresql/*/bin"
as_postgres() { runuser -u postgres -- "$@"; }
if [[ ! -s $STATE/pg_password ]]; then
  random_alnum 32 | write_file "$STATE/pg_password" 0600
  changes+=("made a password for the PostgreSQL role $PG_USER")
fi
PG_PASSWORD=$(cat "$STATE/pg_password")
if [[ ! -s $PG_DIR/data/PG_VERSION ]]; then
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  chmod 0700 "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$STATE/pg_initdb.log" 2>&1 ||
    { tail -n 20 "$STATE/pg_initdb.log" >&2; die "initdb failed"; }
  changes+=("created the test PostgreSQL cluster in $PG_DIR/data")
fi
pg_ok() { as_postgres "$PG_BIN/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT"; }
if ! pg_ok; then
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_DIR/postgres.log)"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start 9>&- >/dev/null || { tail -n 20 "$PG_DIR/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
  changes+=("started PostgreSQL on 127.0.0.1:$PG_PORT")
fi
# The role the tests connect as: may create databases, and end the sessions in a test database it
# drops, nothing else. A test database is dropped WITH (FORCE); an autovacuum worker busy in it
# belongs to no role, and only pg_signal_backend may end it (without it the drop failed at random:
# "must be a member of the role whose process is being terminated or member of pg_signal_backend").
# The password is set every run (it is the file's), passed to psql as a variable, never in the SQL.
as_postgres psql -q -X -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -d postgres \
  -v role="$PG_USER" -v pw="$PG_PASSWORD" >/dev/null <<'SQL' || die "could not create the PostgreSQL role $PG_USER"
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'pw') \gexec
SELECT format('GRANT pg_signal_backend TO %I', :'role') \gexec
SQL
PG_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
pg_version=$(PGPASSWORD=$PG_PASSWORD psql -X -At -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -c 'SHOW server_version' 2>&1) ||
  die "the role $PG_USER cannot log in over TCP: $pg_version"

# --------------------------------------------------------------- chromium --

step="chromium"
chromium_version=$(timeout 60 "$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM --version failed"
[[ $chromium_version == Chromium* ]] || die "$CHROMIUM --version printed '$chromium_version'"

# ------------------------------------------------------------- ssh logins --

step="ssh-login"
# End-to-end: what the tests will do. Strict host key checking against our
# own host keys also proves the port is served by *this* sshd.
ssh_opts=(-F /dev/null -p "$SSH_PORT" -o ConnectTimeout=10
  -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$STATE/known_hosts"
  -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR)
for k in id_ed25519 id_rsa; do
  out=$(ssh "${ssh_opts[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$STATE/$k" \
    "$TEST_USER@$SSH_HOST" 'id -un' </dev/null) || die "key login with $k failed (see $SSHD_LOG)"
  [[ $out == "$TEST_USER" ]] || die "key login with $k ran as '$out'"
done

# Password login through PAM. No sshpass (not wanted on CI machines):
# OpenSSH >= 8.4 asks an askpass program when SSH_ASKPASS_REQUIRE=force.
printf '#!/bin/sh\nexec cat %q\n' "$STATE/password" | write_file "$STATE/askpass.sh" 0700
out=$(SSH_ASKPASS="$STATE/askpass.sh" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
  ssh "${ssh_opts[@]}" -o BatchMode=no -o PubkeyAuthentication=no \
  -o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
  "$TEST_USER@$SSH_HOST" 'id -un' </dev/null) || die "password login failed (see $SSHD_LOG)"
[[ $out == "$TEST_USER" ]] || die "password login ran as '$out'"

# The test user reaches Docker through its group, as the app will over SSH.
out=$(ssh "${ssh_opts[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$STATE/id_ed25519" \
  "$TEST_USER@$SSH_HOST" 'docker version --format "{{.Server.Version}}"' </dev/null) ||
  die "$TEST_USER cannot use docker over SSH"
docker_version=$out
# ... and Compose v2, as the compose deploy path will call it.
out=$(ssh "${ssh_opts[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$STATE/id_ed25519" \
  "$TEST_USER@$SSH_HOST" 'docker compose version --short' </dev/null) ||
  die "$TEST_USER cannot run docker compose over SSH"
[[ $out =~ ^v?([0-9.]+) && ${BASH_REMATCH[1]} == "$compose_version" ]] || die "$TEST_USER's docker compose reports '$out', expected $compose_version"

# ------------------------------------------------------------ testbed.json --

step="testbed.json"
{
  printf '{\n'
  printf '  "ssh": {\n'
  printf '    "host": %s,\n' "$(json_str "$SSH_HOST")"
  printf '    "port": %d,\n' "$SSH_PORT"
  printf '    "username": %s,\n' "$(json_str "$TEST_USER")"
  printf '    "password": %s,\n' "$(json_str "$PASSWORD")"
  printf '    "keys": {\n'
  printf '      "ed25519": %s,\n' "$(json_str "$STATE/id_ed25519")"
  printf '      "rsa": %s,\n' "$(json_str "$STATE/id_rsa")"
  printf '      "ed25519Encrypted": %s,\n' "$(json_str "$STATE/id_ed25519_enc")"
  printf '      "ed25519EncryptedPassphrase": %s\n' "$(json_str "$KEY_PASSPHRASE")"
  printf '    },\n'
  printf '    "hostKeys": {\n'
  printf '      "ed25519": %s,\n' "$(json_str "$STATE/ssh_host_ed25519_key")"
  printf '      "rsa": %s\n' "$(json_str "$STATE/ssh_host_rsa_key")"
  printf '    },\n'
  printf '    "knownHosts": %s,\n' "$(json_str "$STATE/known_hosts")"
  printf '    "configPath": %s,\n' "$(json_str "$SSHD_CONFIG")"
  printf '    "pidFile": %s\n' "$(json_str "$SSHD_PID")"
  printf '  },\n'
  printf '  "docker": {\n'
  printf '    "socket": %s,\n' "$(json_str "$DOCKER_SOCK")"
  printf '    "images": {\n'
  printf '      "busybox": %s,\n' "$(json_str "$BUSYBOX_IMAGE")"
  printf '      "httpd": %s\n' "$(json_str "$HTTPD_IMAGE")"
  printf '    },\n'
  printf '    "composeVersion": %s\n' "$(json_str "$compose_version")"
  printf '  },\n'
  printf '  "registry": {\n'
  printf '    "address": %s,\n' "$(json_str "$REGISTRY_ADDRESS")"
  printf '    "ip": %s,\n' "$(json_str "$REGISTRY_IP")"
  printf '    "port": %d,\n' "$REGISTRY_PORT"
  printf '    "url": %s,\n' "$(json_str "$REGISTRY_URL")"
  printf '    "images": {\n'
  printf '      "webapp1": %s,\n' "$(json_str "$REGISTRY_ADDRESS/tomo-test/webapp:1")"
  printf '      "webapp2": %s,\n' "$(json_str "$REGISTRY_ADDRESS/tomo-test/webapp:2")"
  printf '      "webappUnhealthy": %s,\n' "$(json_str "$REGISTRY_ADDRESS/tomo-test/webapp:3-unhealthy")"
  printf '      "db": %s,\n' "$(json_str "$REGISTRY_ADDRESS/tomo-test/db:1")"
  printf '      "cache": %s\n' "$(json_str "$REGISTRY_ADDRESS/tomo-test/cache:1")"
  printf '    }\n'
  printf '  },\n'
  printf '  "postgres": {\n'
  printf '    "url": %s,\n' "$(json_str "$PG_URL")"
  printf '    "version": %s\n' "$(json_str "$pg_version")"
  printf '  },\n'
  printf '  "chromium": %s\n' "$(json_str "$CHROMIUM")"
  printf '}\n'
} | write_file "$STATE/testbed.json" 0600

# ---------------------------------------------------------------- summary --

step="summary"
log "ssh      $TEST_USER@$SSH_HOST:$SSH_PORT (sshd pid $(our_sshd_pid)): ed25519 key, rsa key, password logins ok"
log "docker   engine $docker_version on $DOCKER_SOCK; images $BUSYBOX_IMAGE, $HTTPD_IMAGE ok (httpd served its page)"
log "compose  Docker Compose $compose_version (docker compose, also for $TEST_USER over SSH)"
log "registry $REGISTRY_URL (on $REGISTRY_IP, pid $(our_registry_pid)): ${registry_summary[*]}"
log "postgres PostgreSQL $pg_version on 127.0.0.1:$PG_PORT (role $PG_USER)"
log "chromium $chromium_version"
log "state    $STATE/testbed.json"
if ((${#changes[@]})); then
  for c in "${changes[@]}"; do log "did: $c"; done
  log "ready in $(elapsed)"
else
  log "everything was already up; ready in $(elapsed)"
fi
