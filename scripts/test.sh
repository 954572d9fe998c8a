#!/usr/bin/env bash
# Installs what is missing, builds numgrad with every binding (warnings are errors) and
# runs every test suite: C, Fortran, Python, R, the command and the examples.
# Extra arguments go to `meson test`, e.g. scripts/test.sh --suite c
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/deps.sh
builddir=${NUMGRAD_BUILDDIR:-build}
options=(-Dwerror=true -Dopenmp=enabled -Dfortran=enabled -Dpython=enabled -Dr=enabled -Dcli=enabled -Dmpi=enabled)
if [ -f "$builddir/build.ninja" ]; then
  meson setup --reconfigure "$builddir" "${options[@]}" >/dev/null
else
  meson setup "$builddir" "${options[@]}" >/dev/null
fi
ninja -C "$builddir"
status=0
meson test -C "$builddir" --print-errorlogs "$@" || status=$?
# Sanitizer, valgrind and fuzzing runs, in their own build dirs (full runs only).
if [ $# -eq 0 ] && [ -x scripts/sanitize.sh ]; then
  scripts/sanitize.sh || status=$?
fi
# One plain closing line, counted from meson's own log.
/usr/bin/python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1]) if line.strip()]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"{passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
exit $status
