#!/bin/sh
# Builds the example against an installed numgrad, as a user would, with the build lines
# of the README: installs the build into a temporary DESTDIR, points pkg-config at it
# (PKG_CONFIG_SYSROOT_DIR prefixes the paths it prints), compiles, runs.
# Usage: installed.sh MESON BUILD_ROOT FC EXAMPLE.f90
set -u
meson=$1 build=$2 fc=$3 example=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
fail() {
  echo "FAIL: $*"
  echo "$passed passed, 1 failed"
  exit 1
}

"$meson" install -C "$build" --destdir "$tmp/root" --no-rebuild --tags runtime,devel --quiet \
  || fail "meson install --destdir"
pc=$(find "$tmp/root" -name numgrad-fortran.pc | head -n 1)
[ -n "$pc" ] || fail "numgrad-fortran.pc is not installed"
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR="$tmp/root"
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
libdir=$(pkg-config --variable=libdir numgrad) || fail "pkg-config numgrad"
fmoddir=$(pkg-config --variable=fmoddir numgrad) || fail "pkg-config --variable=fmoddir numgrad"
[ -f "$fmoddir/numgrad.mod" ] || fail "no numgrad.mod in fmoddir ($fmoddir)"
passed=1
cd "$tmp" || fail "cd $tmp"

# The README's build line, then the one with fmoddir.
set -x
"$fc" $(pkg-config --cflags numgrad-fortran) "$example" $(pkg-config --libs numgrad-fortran) \
  -o heat_flux || fail "build with pkg-config numgrad-fortran"
LD_LIBRARY_PATH="$libdir" ./heat_flux || fail "run the example built with numgrad-fortran"
rm -f ./*.mod
"$fc" -I"$(pkg-config --variable=fmoddir numgrad)" "$example" $(pkg-config --libs numgrad) \
  -lnumgrad_fortran -o heat_flux2 || fail "build with pkg-config --variable=fmoddir numgrad"
LD_LIBRARY_PATH="$libdir" ./heat_flux2 || fail "run the example built with fmoddir"
set +x
echo "3 passed, 0 failed"
