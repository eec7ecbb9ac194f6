#!/usr/bin/env bash
# Copies Bootstrap's compiled files from its npm package (the version pinned in package.json, checked against the
# integrity hash in package-lock.json by `npm ci`) into static/vendor/bootstrap/, with its licence. The copies are
# committed: neither the tests nor `make run` need npm. Run again only to change Bootstrap's version.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json package-lock.json "$work"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --omit=peer >/dev/null)
source="$work/node_modules/bootstrap"
target=static/vendor/bootstrap
rm -rf "$target"
mkdir -p "$target/css" "$target/js"
# The bundle carries Popper (dropdowns); the source maps stay beside the files that name them, as the hashed
# static storage follows every sourceMappingURL.
cp "$source"/dist/css/bootstrap.min.css{,.map} "$target/css/"
cp "$source"/dist/js/bootstrap.bundle.min.js{,.map} "$target/js/"
cp "$source/LICENSE" "$target/LICENSE"
node -p "require('$source/package.json').version" > "$target/VERSION"
echo "Bootstrap $(cat "$target/VERSION") copied into $target"
