#!/bin/sh
# /usr/bin/tomo: the Tomo command line (from the tomo package, RPM or .deb). Tomo itself is in
# /usr/lib/tomo and reads /etc/tomo/config.yaml (or $TOMO_CONFIG). The .deb carries its own
# Node.js: deb/build.sh installs this file with /usr/bin/node changed to /usr/lib/tomo/node/bin/node.
#
# Run as root, it switches to the tomo user first: `tomo admin create` or `tomo migrate` create
# the database and secrets in /var/lib/tomo, and those must stay the service's files (a root-owned
# tomo.db or vault.key would stop the service). TOMO_AS_ROOT=1 keeps root, for a config that
# points somewhere else. Files it creates are private to their owner, as the service's are
# (UMask=0077 in tomo.service).
umask 077
if [ "$(id -u)" = 0 ] && [ -z "${TOMO_AS_ROOT:-}" ] && getent passwd tomo >/dev/null 2>&1; then
  exec /usr/sbin/runuser -u tomo -- /usr/bin/node /usr/lib/tomo/bin/tomo.js "$@"
fi
exec /usr/bin/node /usr/lib/tomo/bin/tomo.js "$@"
