#!/usr/bin/env bash
# Builds numgrad (installing what is missing) and runs the numgrad command; with no
# arguments it shows its demonstration. Arguments go to the command: scripts/run.sh --help
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/deps.sh
builddir=${NUMGRAD_BUILDDIR:-build}
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" >/dev/null
ninja -C "$builddir" >/dev/null
if [ -x "$builddir/cli/numgrad" ]; then
  exec "$builddir/cli/numgrad" "$@"
fi
exec "$builddir/examples/numgrad-demo"
