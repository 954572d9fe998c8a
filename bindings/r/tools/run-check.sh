#!/bin/sh
# R CMD build on this source tree, then R CMD check --as-cran on the tarball, as CRAN
# would run it but offline. Used by `meson test --suite r-check`; runnable by hand:
#   sh bindings/r/tools/run-check.sh
# Fails on any ERROR or WARNING; prints the NOTEs (README.md, section R, explains them).
# Environment: R (default: R on PATH), MAKEFLAGS (default -j2), NUMGRAD_CHECK_DIR (keep
# the build and check output there instead of a temporary directory).
set -eu
pkg=$(cd "$(dirname "$0")/.." && pwd)
R=${R:-R}
: "${MAKEFLAGS:=-j2}"
export MAKEFLAGS

if [ -n "${NUMGRAD_CHECK_DIR:-}" ]; then
    work=$NUMGRAD_CHECK_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/numgrad-r-check.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"
rm -rf numgrad.Rcheck numgrad_*.tar.gz

# Offline: no CRAN mirror to ask about the package name or its dependencies' versions.
export _R_CHECK_CRAN_INCOMING_REMOTE_=false
export _R_CHECK_FORCE_SUGGESTS_=false
# No LaTeX: --no-manual skips the PDF manual (the HTML manual is still checked).

"$R" CMD build --no-build-vignettes "$pkg"
tarball=$(ls numgrad_*.tar.gz)
"$R" CMD check --as-cran --no-manual "$tarball" || true

log=numgrad.Rcheck/00check.log
[ -f "$log" ] || { echo "run-check.sh: R CMD check wrote no log" >&2; exit 1; }
status=$(grep '^Status:' "$log" || echo "Status: unknown")
echo "run-check.sh: $status"
case $status in
    *ERROR*|*WARNING*|*unknown*)
        for f in numgrad.Rcheck/00install.out numgrad.Rcheck/tests/testthat.Rout.fail; do
            [ -f "$f" ] && { echo "==== $f"; tail -60 "$f"; }
        done
        exit 1 ;;
esac
