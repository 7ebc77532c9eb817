#!/usr/bin/env bash
# Builds the Tomo RPM from this checkout:   npm run rpm
#   bash rpm/build.sh [--outdir DIR] [--ref COMMIT | --worktree]
#
# Source0 is the committed application (git archive HEAD, or the commit or tag --ref names);
# with --worktree, the files of the working tree instead (tracked ones plus new files git does
# not ignore), to package changes not yet committed. The packaging files (rpm/tomo.spec, and the
# unit, config... in packaging/) are always the working tree's. rpmbuild runs in a temporary
# _topdir; its %build runs `npm ci` (the npm registry must be reachable) and compiles the native
# modules, so build on the distribution you install on: a build on Rocky 9 is for Rocky 9.
# Needs rpmbuild, git, Node.js >= 22.12 with npm and headers, gcc-c++, make, python3
# (Fedora/RHEL: dnf install rpm-build git nodejs nodejs-devel npm gcc-c++ make python3
# systemd-rpm-macros).
#
# Result: <outdir>/tomo-<version>-<release>.<arch>.rpm (default outdir rpm/dist); the last line
# printed is its path.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
outdir="$root/rpm/dist"
worktree=no
ref=HEAD
while [ $# -gt 0 ]; do
  case "$1" in
    --worktree) worktree=yes; shift ;;
    --ref) ref=$2; shift 2 ;;
    --ref=*) ref=${1#*=}; shift ;;
    --outdir) outdir=$2; shift 2 ;;
    --outdir=*) outdir=${1#*=}; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rpm/build.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

for tool in rpmbuild git node npm tar; do
  command -v "$tool" >/dev/null || { echo "rpm/build.sh: $tool is missing (see the top of rpm/build.sh)" >&2; exit 1; }
done
git -C "$root" rev-parse --show-toplevel >/dev/null 2>&1 || { echo "rpm/build.sh: $root is not a git checkout" >&2; exit 1; }

started=$(date +%s)
if [ "$worktree" = yes ]; then
  version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
else
  git -C "$root" rev-parse --verify --quiet "$ref^{commit}" >/dev/null || { echo "rpm/build.sh: $ref is not a commit" >&2; exit 1; }
  version=$(git -C "$root" show "$ref:package.json" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).version')
fi
# RPM versions cannot hold "-": a pre-release 1.0.0-beta.1 becomes 1.0.0~beta.1 (sorts before 1.0.0).
rpm_version=${version//-/\~}
top=$(mktemp -d "${TMPDIR:-/tmp}/tomo-rpmbuild.XXXXXX")
trap 'rm -rf "$top"' EXIT
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS} "$outdir"

source0="$top/SOURCES/tomo-$rpm_version.tar.gz"
if [ "$worktree" = yes ]; then
  echo "rpm/build.sh: packaging the working tree (uncommitted changes included)"
  (
    cd "$root"
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
      tar --null --files-from=- --transform "s,^,tomo-$rpm_version/,SH" --owner=0 --group=0 --numeric-owner -czf "$source0"
  )
else
  echo "rpm/build.sh: packaging commit $(git -C "$root" rev-parse --short "$ref^{commit}") ($ref)"
  git -C "$root" archive --format=tar.gz --prefix="tomo-$rpm_version/" -o "$source0" "$ref"
fi
# The files the RPM and the .deb share (packaging/README.md), then the spec.
cp "$root"/packaging/{tomo.service,tomo.sysusers,tomo.tmpfiles,config.yaml,tomo.sh,tomo.logrotate,tidy-tree.js} "$top/SOURCES/"
cp "$root/rpm/tomo.spec" "$top/SPECS/"

args=(-bb --define "_topdir $top" --define "tomo_version $rpm_version")
# rpmbuild checks BuildRequires against the rpm database. On a host whose packages are not RPMs
# (Debian in CI: the database does not even know rpm itself) that check cannot pass: skip it.
if ! rpm -q rpm >/dev/null 2>&1; then
  echo "rpm/build.sh: this host's packages are not in an rpm database; building with --nodeps"
  args+=(--nodeps)
fi
rpmbuild "${args[@]}" "$top/SPECS/tomo.spec"

shopt -s nullglob
built=("$top"/RPMS/*/tomo-"$rpm_version"-*.rpm)
[ ${#built[@]} -eq 1 ] || { echo "rpm/build.sh: expected one RPM, found ${#built[@]}" >&2; exit 1; }
cp "${built[0]}" "$outdir/"
echo "rpm/build.sh: built in $(($(date +%s) - started)) s"
echo "$outdir/$(basename "${built[0]}")"
