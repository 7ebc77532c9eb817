#!/usr/bin/env bash
# Builds the Docker image of a freshly installed Debian that boots systemd as
# PID 1 and runs sshd, for tests that need a REAL machine to prepare (detect the
# OS, install Docker, ...): tomo-test/debian12-fresh:1 (bookworm, the default) or
# tomo-test/debian13-fresh:1 (trixie). Containers are started from it by
# scripts/testbed/fresh-server.js.
#
#   sudo bash scripts/testbed/fresh-debian-image.sh                   # Debian 12, build once
#   sudo bash scripts/testbed/fresh-debian-image.sh --suite trixie    # Debian 13, build once
#   ... --rebuild    # image again, from the cached root;  --refresh  # new debootstrap, then the image
#
# Idempotent: when the image exists it only says so (well under a second).
# Nothing is pulled: the root comes from debootstrap against the same Debian
# mirror the host's apt uses (the only reachable one), and is cached as a
# tarball under $TOMO_TESTBED_DIR, so a rebuild after `docker rmi` skips the
# download (seconds, not a minute).
#
# What the image is (on top of debootstrap --variant=minbase):
#   - systemd, dbus, openssh-server, sudo, ca-certificates, curl, iproute2,
#     procps; NO Docker (the feature under test installs it).
#   - apt sources pointing at the host's Debian mirror (plus the security
#     mirror when the host has one), as that release's installer writes them:
#     /etc/apt/sources.list on Debian 12, deb822 debian.sources on Debian 13.
#     Empty package lists, like a minimal image: `apt-get update` comes first.
#   - an empty /etc/machine-id (systemd generates one per container boot).
#   - no SSH host keys: tomo-ssh-host-keys.service runs `ssh-keygen -A`
#     before ssh.service, so every container has its own.
#   - sshd: password logins on, root login off.
#   - no users besides root (locked); fresh-server.js creates them.
#
# Requires: root, debootstrap and a running Docker engine (both set up by
# `bash scripts/testbed.sh`).
#
# Environment:
#   TOMO_TESTBED_DIR            state directory (default /var/lib/tomo-testbed)
#   TOMO_TESTBED_DEBIAN_MIRROR  Debian mirror URL (default: the host's, from
#                               /etc/apt/sources.list{,.d/*}; for a suite the
#                               host does not list, its own release's mirror:
#                               one Debian mirror serves every release)

# -E so the ERR trap also fires inside functions.
set -Eeuo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

SUITE=bookworm
VARIANT=minbase
INCLUDE=systemd,systemd-sysv,dbus,openssh-server,sudo,ca-certificates,curl,iproute2,procps
STATE="${TOMO_TESTBED_DIR:-/var/lib/tomo-testbed}"
# Bump when the customisation below changes, so images say what they contain.
RECIPE_VERSION=1

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

rebuild=0
refresh=0
while (($#)); do
  case $1 in
    --rebuild) rebuild=1 ;;
    --refresh) rebuild=1 refresh=1 ;;
    --suite)
      [[ $# -ge 2 ]] || { printf 'fresh-image: --suite needs a value (bookworm or trixie)\n' >&2; exit 2; }
      SUITE=$2
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'fresh-image: unknown argument %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The Debian release behind each suite: the image name, its cache file and its os-release.
case $SUITE in
  bookworm) DEBIAN=12 ;;
  trixie) DEBIAN=13 ;;
  *) printf 'fresh-image: --suite must be bookworm (Debian 12) or trixie (Debian 13), got %s\n' "$SUITE" >&2; exit 2 ;;
esac
IMAGE="tomo-test/debian$DEBIAN-fresh:1"

# ---------------------------------------------------------------- helpers --

step="start"
cleanups=()
t0=$(date +%s%N)

log() { printf 'fresh-image: %s\n' "$*"; }
die() {
  printf 'fresh-image: FAILED [%s]: %s\n' "$step" "$*" >&2
  exit 1
}
on_err() {
  local rc=$1 line=$2 cmd=$3
  printf 'fresh-image: FAILED [%s]: command exited %s (line %s): %s\n' "$step" "$rc" "$line" "$cmd" >&2
}
on_exit() {
  local c
  for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR
trap on_exit EXIT

log "$IMAGE: Debian $DEBIAN ($SUITE)"

# Seconds since $1 (a `date +%s%N` value), one decimal.
since() {
  local ns=$(($(date +%s%N) - $1))
  printf '%d.%01d s' $((ns / 1000000000)) $((ns / 100000000 % 10))
}

# Writes stdin to $1 with mode $2.
write_file() {
  local dest=$1 mode=$2
  cat >"$dest"
  chmod "$mode" "$dest"
}

# The first URI of an enabled apt source of type deb for suite $1 with
# component main, from deb822 (*.sources) and one-line (*.list) files.
host_mirror_for() {
  local suite=$1 f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    uri=$(awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main / && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = uris = suites = comps = ""; enabled = "yes"
      }
      BEGIN { enabled = "yes" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        line = $0; key = tolower(line); sub(/:.*/, "", key); val = line; sub(/^[^:]*:[ \t]*/, "", val)
        gsub(/[ \t]+/, " ", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "components") comps = val
        else if (key == "enabled") enabled = tolower(val)
      }
      END { if (!found) flush() }
    ' "$f")
    [[ -n $uri ]] && { printf '%s' "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    # deb [options] URI SUITE COMPONENT...
    uri=$(awk -v suite="$suite" '
      $1 != "deb" { next }
      { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } }
      $(i + 1) == suite { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit } }
    ' "$f")
    [[ -n $uri ]] && { printf '%s' "$uri"; return 0; }
  done
  return 1
}

# ------------------------------------------------------------- preflight --

step="preflight"
[[ $EUID -eq 0 ]] || die "must run as root (sudo bash $0)"
if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=$(command -v docker) || die "no docker client; run: sudo bash scripts/testbed.sh"; fi
timeout 20 "$DOCKER" info >/dev/null 2>&1 || die "the Docker engine does not answer; run: sudo bash scripts/testbed.sh"

[[ $STATE == /* ]] || die "TOMO_TESTBED_DIR must be an absolute path, got '$STATE'"
mkdir -p "$STATE"
chmod 0700 "$STATE"

# Serialise concurrent runs (two test files asking for the image at once).
exec 9>"$STATE/.fresh-image.lock"
flock -w 900 9 || die "another run holds $STATE/.fresh-image.lock"

if ((!rebuild)); then
  have=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.tomo.testbed.recipe"}}' "$IMAGE" 2>/dev/null || true)
  if [[ $have == "$RECIPE_VERSION" ]]; then
    log "$IMAGE exists ($(since "$t0")); --rebuild builds it again"
    exit 0
  fi
  [[ -z $have ]] || log "$IMAGE is from recipe $have, this script writes recipe $RECIPE_VERSION: rebuilding"
fi

command -v debootstrap >/dev/null || die "debootstrap is not installed; run: sudo bash scripts/testbed.sh"

# The host's own release, for a suite its apt sources do not list (Debian 13 on a
# Debian 12 host): the same mirror serves both.
HOST_SUITE=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")
MIRROR="${TOMO_TESTBED_DEBIAN_MIRROR:-}"
if [[ -z $MIRROR ]]; then
  MIRROR=$(host_mirror_for "$SUITE" || { [[ -n $HOST_SUITE ]] && host_mirror_for "$HOST_SUITE"; }) ||
    die "found no apt source for '$SUITE main' (nor '${HOST_SUITE:-?} main') in /etc/apt/sources.list{,.d/*}; set TOMO_TESTBED_DEBIAN_MIRROR"
fi
MIRROR=${MIRROR%/}
[[ $MIRROR =~ ^https?://[^[:space:]]+$ ]] || die "mirror '$MIRROR' is not an http(s) URL"
SECURITY_MIRROR=$(host_mirror_for "$SUITE-security" || { [[ -n $HOST_SUITE ]] && host_mirror_for "$HOST_SUITE-security"; } || true)
SECURITY_MIRROR=${SECURITY_MIRROR%/}
[[ -z $SECURITY_MIRROR || $SECURITY_MIRROR =~ ^https?://[^[:space:]]+$ ]] || SECURITY_MIRROR=""

# --------------------------------------------------------------- rootfs --

step="debootstrap"
# The cached root is keyed by everything that goes into debootstrap.
key=$(printf '%s|%s|%s|%s' "$SUITE" "$VARIANT" "$INCLUDE" "$MIRROR" | sha256sum | cut -c1-12)
ROOT_TAR="$STATE/debian$DEBIAN-rootfs-$key.tar"
WORK=$(mktemp -d "$STATE/fresh-image-build.XXXXXX")
# The work dir (debootstrap target, the root being customised) is a private
# tmpfs when memory allows: writing the ~25,000 files of the root to this
# machine's disk takes 10-13 s of kernel time, to a tmpfs 0.3 s.
# A failed debootstrap can leave /proc and /sys mounted in its target: unmount
# everything before deleting (and never delete across a mount).
remove_work() {
  local m
  while read -r m; do umount -l "$m" || true; done < <(
    findmnt -rn -o TARGET | awk -v w="$WORK" '$0 == w || index($0, w "/") == 1' | sort -r
  )
  rm -rf --one-file-system "$WORK"
}
cleanups+=(remove_work)
mem_avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((${mem_avail_kb:-0} > 2 * 1024 * 1024)) && mount -t tmpfs -o size=3g,mode=0700 tomo-fresh-image "$WORK"; then
  log "working in a tmpfs"
fi

if ((refresh)) || [[ ! -s $ROOT_TAR ]]; then
  t=$(date +%s%N)
  log "debootstrap $SUITE ($VARIANT) from $MIRROR (log: $STATE/debootstrap-debian$DEBIAN.log)"
  if ! debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$WORK/bootstrap" "$MIRROR" \
    >"$STATE/debootstrap-debian$DEBIAN.log" 2>&1; then
    tail -n 20 "$STATE/debootstrap-debian$DEBIAN.log" >&2
    die "debootstrap failed (see $STATE/debootstrap-debian$DEBIAN.log)"
  fi
  # Into a temp file first: an interrupted run must not leave half a cache.
  tar --numeric-owner -C "$WORK/bootstrap" -cf "$ROOT_TAR.tmp" .
  mv -f "$ROOT_TAR.tmp" "$ROOT_TAR"
  rm -rf --one-file-system "$WORK/bootstrap"
  # Older roots (other mirror, other package list) are of no use any more.
  for old in "$STATE"/debian"$DEBIAN"-rootfs-*.tar; do
    [[ $old == "$ROOT_TAR" ]] || rm -f "$old"
  done
  log "debootstrap done in $(since "$t"); cached as $ROOT_TAR ($(du -h "$ROOT_TAR" | cut -f1))"
else
  log "using the cached root $ROOT_TAR (--refresh bootstraps a new one)"
fi

step="customise"
t=$(date +%s%N)
R="$WORK/root"
mkdir "$R"
tar --numeric-owner -C "$R" -xf "$ROOT_TAR"
[[ -x $R/sbin/init && -x $R/usr/sbin/sshd && -x $R/usr/bin/sudo && -x $R/usr/bin/dbus-daemon ]] ||
  die "the cached root lacks init, sshd, sudo or dbus; run with --refresh"
if [[ -e $R/usr/bin/docker || -e $R/usr/bin/dockerd ]]; then die "the root already contains Docker"; fi
grep -qx "VERSION_ID=\"$DEBIAN\"" "$R/etc/os-release" ||
  die "the cached root is not Debian $DEBIAN ($(grep '^VERSION_ID=' "$R/etc/os-release" || echo 'no VERSION_ID')); run with --refresh"

# apt: the host's mirror, as that release's installer writes it. No package
# lists (debootstrap's are for its own bootstrap source): update first.
rm -f "$R"/etc/apt/sources.list.d/*
if ((DEBIAN >= 13)); then
  # Debian 13's installer writes deb822 sources and no sources.list.
  rm -f "$R/etc/apt/sources.list"
  {
    printf '# Written by tomo scripts/testbed/fresh-debian-image.sh (the host'"'"'s mirror).\n'
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$MIRROR" "$SUITE" "$SUITE"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    [[ -z $SECURITY_MIRROR ]] ||
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$SECURITY_MIRROR" "$SUITE"
  } | write_file "$R/etc/apt/sources.list.d/debian.sources" 0644
else
  {
    printf '# Written by tomo scripts/testbed/fresh-debian-image.sh (the host'"'"'s mirror).\n'
    printf 'deb %s %s main\n' "$MIRROR" "$SUITE"
    printf 'deb %s %s-updates main\n' "$MIRROR" "$SUITE"
    [[ -z $SECURITY_MIRROR ]] || printf 'deb %s %s-security main\n' "$SECURITY_MIRROR" "$SUITE"
  } | write_file "$R/etc/apt/sources.list" 0644
fi
find "$R/var/lib/apt/lists" -mindepth 1 -maxdepth 1 -type f ! -name lock -delete
find "$R/var/cache/apt" -name '*.bin' -delete
find "$R/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -delete

# Identity: every container gets its own machine id and host keys.
: >"$R/etc/machine-id"
chmod 0444 "$R/etc/machine-id"
if [[ -e $R/var/lib/dbus/machine-id && ! -L $R/var/lib/dbus/machine-id ]]; then
  ln -sf /etc/machine-id "$R/var/lib/dbus/machine-id"
fi
rm -f "$R"/etc/ssh/ssh_host_*
printf 'tomo-fresh\n' | write_file "$R/etc/hostname" 0644
# Docker bind-mounts its own resolv.conf and hosts; debootstrap copied the host's.
rm -f "$R/etc/resolv.conf"
# Left behind by some bootstrap paths; a real machine starts its services.
rm -f "$R/usr/sbin/policy-rc.d"

cat <<'EOF' | write_file "$R/etc/systemd/system/tomo-ssh-host-keys.service" 0644
# Written by tomo scripts/testbed/fresh-debian-image.sh: the image ships
# without SSH host keys, so each container generates its own at first boot.
[Unit]
Description=Generate missing SSH host keys
Before=ssh.service

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A
RemainAfterExit=yes

[Install]
WantedBy=ssh.service
EOF
mkdir -p "$R/etc/systemd/system/ssh.service.wants"
ln -sf /etc/systemd/system/tomo-ssh-host-keys.service "$R/etc/systemd/system/ssh.service.wants/tomo-ssh-host-keys.service"
[[ -L $R/etc/systemd/system/multi-user.target.wants/ssh.service ]] ||
  ln -sf /lib/systemd/system/ssh.service "$R/etc/systemd/system/multi-user.target.wants/ssh.service"

# sshd: a drop-in (sshd_config includes sshd_config.d/*.conf first, and the
# first value of a keyword wins).
cat <<'EOF' | write_file "$R/etc/ssh/sshd_config.d/50-tomo-testbed.conf" 0644
# Written by tomo scripts/testbed/fresh-debian-image.sh.
PasswordAuthentication yes
PermitRootLogin no
EOF
# The effective configuration, checked with the root's own sshd and a
# throw-away host key.
ssh-keygen -q -t ed25519 -N '' -f "$R/tmp/check_host_key"
mkdir -p "$R/run/sshd"
effective=$(chroot "$R" /usr/sbin/sshd -T -h /tmp/check_host_key 2>&1) || die "sshd rejects the configuration: $effective"
rm -rf "$R/tmp/check_host_key" "$R/tmp/check_host_key.pub" "$R/run/sshd"
grep -qx 'passwordauthentication yes' <<<"$effective" || die "sshd would not accept passwords"
grep -qx 'permitrootlogin no' <<<"$effective" || die "sshd would accept root logins"
grep -qx 'usepam yes' <<<"$effective" || die "sshd would not use PAM"
log "customised the root in $(since "$t")"

# ----------------------------------------------------------------- import --

step="import"
t=$(date +%s%N)
old_id=$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
# container=docker tells systemd it runs in a container. (`docker import`
# refuses STOPSIGNAL: fresh-server.js passes --stop-signal SIGRTMIN+3, how
# systemd wants to be asked to shut down.)
tar --numeric-owner -C "$R" -cf - . |
  "$DOCKER" import \
    -c 'ENV container=docker' \
    -c 'CMD ["/sbin/init"]' \
    -c "LABEL org.tomo.testbed.image=debian$DEBIAN-fresh org.tomo.testbed.recipe=$RECIPE_VERSION org.tomo.testbed.rootfs=$key org.tomo.testbed.mirror=$MIRROR" \
    -m "tomo fresh Debian $DEBIAN ($SUITE $VARIANT from $MIRROR)" \
    - "$IMAGE" >/dev/null
log "imported $IMAGE in $(since "$t") ($("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1 / 1000000}'))"
# The image it replaced is now untagged: drop it, unless containers still use it.
if [[ -n $old_id && $old_id != "$("$DOCKER" image inspect -f '{{.Id}}' "$IMAGE")" ]]; then
  if ! out=$("$DOCKER" rmi "$old_id" 2>&1); then
    log "kept the previous image ${old_id#sha256:}: $out"
  fi
fi

step="cleanup"
remove_work
log "ready in $(since "$t0")"
