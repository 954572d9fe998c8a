#!/bin/sh
# The ABI guard (meson tests 'abi symbols' and 'abi abidiff', suite reliability).
#
#   check-abi.sh symbols LIB ABIDIR
#       The dynamic symbols LIB defines (nm -D --defined-only) must be exactly
#       ABIDIR/symbols.txt: the ng_* API, nothing missing, nothing leaked.
#   check-abi.sh constants HEADER ABIDIR
#       The values of the NG_* enumerators and numeric macros of HEADER (status, dtype,
#       spacing and boundary codes, NG_MAX_NDIM) must keep those of ABIDIR/constants.txt:
#       abidiff cannot see them (the ABI passes them as int32_t). New ones are a note.
#   check-abi.sh abidiff DEBUGLIB ABIDIR INCLUDEDIR REALLIB
#       abidiff of ABIDIR/numgrad.abi (the committed baseline) against DEBUGLIB (the
#       library built with -g), public types only (INCLUDEDIR). An incompatible change
#       (abidiff exit bit 8, or an existing struct member that moved or changed type)
#       fails, unless REALLIB's SONAME differs from the baseline's; a compatible change
#       (bit 4: a new function, a struct grown at its end) passes with a note.
#
# After a deliberate ABI change: tests/reliability/abi/update-baseline.sh BUILDDIR.
set -u
mode=$1
shift
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# NAME VALUE of every enumerator and numeric #define NG_* of the header (not the version).
constants_of() {
  sed -n -e 's/^[[:space:]]*\(NG_[A-Z0-9_]*\)[[:space:]]*=[[:space:]]*\(-\{0,1\}[0-9][0-9]*\).*/\1 \2/p' \
    -e 's/^#define[[:space:]]\{1,\}\(NG_[A-Z0-9_]*\)[[:space:]]\{1,\}\(-\{0,1\}[0-9][0-9]*\)[[:space:]]*$/\1 \2/p' \
    "$1" | grep -v '^NG_VERSION_' | sort -u
}

case $mode in
symbols)
  lib=$1 abidir=$2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! nm -D --defined-only "$lib" >"$tmp/nm"; then
    bad "nm -D --defined-only $lib"
    finish
  fi
  # name only, without a version suffix (ng_gradient@@V1 would be ng_gradient)
  awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | sort -u >"$tmp/have"
  sed 's/#.*//; /^[[:space:]]*$/d' "$abidir/symbols.txt" | sort -u >"$tmp/want"
  if diff -u "$tmp/want" "$tmp/have" >"$tmp/diff"; then
    ok "libnumgrad exports exactly the $(wc -l <"$tmp/want") symbols of symbols.txt"
  else
    bad "exported symbols differ from tests/reliability/abi/symbols.txt (- missing, + unexpected):"
    sed -n '3,$p' "$tmp/diff"
  fi
  if grep -v '^ng_' "$tmp/have" >"$tmp/foreign"; then
    bad "symbols outside the ng_ namespace are exported: $(tr '\n' ' ' <"$tmp/foreign")"
  else
    ok "every exported symbol is ng_*"
  fi
  finish
  ;;
abidiff)
  lib=$1 abidir=$2 include=$3 real=$4
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  baseline=$abidir/numgrad.abi
  if [ ! -s "$baseline" ]; then
    bad "no baseline $baseline (run tests/reliability/abi/update-baseline.sh)"
    finish
  fi
  # Both sides as abidw XML of the public interface (update-baseline.sh's options).
  if ! abidw --headers-dir "$include" --drop-private-types --exported-interfaces-only \
      --no-corpus-path --no-comp-dir-path --no-elf-needed --short-locs --type-id-style hash \
      --out-file "$tmp/built.abi" "$lib" >"$tmp/abidw.log" 2>&1; then
    bad "abidw $lib failed (no debug info?):"
    cat "$tmp/abidw.log"
    finish
  fi
  abidiff --harmless "$baseline" "$tmp/built.abi" >"$tmp/report" 2>&1
  rc=$?
  if [ $((rc & 3)) -ne 0 ]; then
    bad "abidiff could not compare (exit $rc):"
    cat "$tmp/report"
    finish
  fi
  old_soname=$(sed -n 's/.*<abi-corpus[^>]* soname=.\([^"'"'"']*\).*/\1/p' "$baseline" | head -n 1)
  new_soname=$(readelf -d "$real" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
  # libabigail flags removed symbols with bit 8; a member of an existing struct that
  # moved or changed type breaks every caller too, though it only sets bit 4.
  incompatible=0
  [ $((rc & 8)) -ne 0 ] && incompatible=1
  if grep -Eq 'offset changed from|type of .* changed|data member .* was removed|[0-9]+ (Removed|removed) (function|variable)|name of .* changed to|size of .* changed' "$tmp/report"; then
    # a size change alone is compatible when the struct only grew at its end (offsets
    # of the old members unchanged, members added): judged by the other patterns
    if grep -Eq 'offset changed from|type of .* changed|data member .* was removed|[0-9]+ (Removed|removed) (function|variable)|name of .* changed to' "$tmp/report"; then
      incompatible=1
    fi
  fi
  if [ "$incompatible" -eq 1 ]; then
    if [ -n "$new_soname" ] && [ "$new_soname" != "$old_soname" ]; then
      ok "incompatible ABI change, with the SONAME changed ($old_soname -> $new_soname): regenerate the baseline"
      cat "$tmp/report"
    else
      bad "incompatible ABI change against the baseline while the SONAME stays $new_soname:"
      cat "$tmp/report"
      echo "Either undo it, or bump numgrad_soversion in meson.build and run"
      echo "tests/reliability/abi/update-baseline.sh BUILDDIR."
    fi
  elif [ $((rc & 4)) -ne 0 ]; then
    ok "compatible ABI change against the baseline (abidiff exit $rc); NOTE, review it and regenerate the baseline:"
    cat "$tmp/report"
  else
    ok "ABI identical to the baseline ($old_soname)"
  fi
  finish
  ;;
constants)
  header=$1 abidir=$2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  constants_of "$header" >"$tmp/have"
  sed 's/#.*//; /^[[:space:]]*$/d' "$abidir/constants.txt" | sort -u >"$tmp/want"
  # every committed NAME VALUE must still be there; new ones are compatible additions
  missing=$(comm -23 "$tmp/want" "$tmp/have")
  awk '{print $1}' "$tmp/want" | sort -u >"$tmp/want_names"
  awk '{print $1}' "$tmp/have" | sort -u >"$tmp/have_names"
  added=$(comm -13 "$tmp/want_names" "$tmp/have_names")
  if [ -n "$missing" ]; then
    bad "NG_ constants removed or renumbered (committed value first):"
    for name in $(echo "$missing" | awk '{print $1}'); do
      echo "  $(grep "^$name " "$tmp/want") -> $(grep "^$name " "$tmp/have" || echo "$name (gone)")"
    done
  else
    ok "the $(wc -l <"$tmp/want") NG_ constants of constants.txt keep their values"
  fi
  if [ -n "$added" ]; then
    ok "NOTE: new constants (compatible; regenerate the baseline): $(echo "$added" | tr '\n' ' ')"
  fi
  finish
  ;;
*)
  echo "usage: check-abi.sh symbols LIB ABIDIR | abidiff DEBUGLIB ABIDIR INCLUDEDIR REALLIB | constants HEADER ABIDIR" >&2
  exit 2
  ;;
esac
