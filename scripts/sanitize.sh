#!/usr/bin/env bash
# Sanitizer, valgrind, ThreadSanitizer and fuzzing runs of numgrad (issue 7), each in its
# own build dir beside the main one (NUMGRAD_BUILDDIR, default build):
#   asan      gcc, AddressSanitizer + UndefinedBehaviorSanitizer: the C, reliability and
#             Fortran suites, then the Python suite with the ASan runtime preloaded into
#             /usr/bin/python3 (the R suite is skipped under sanitizers); built without
#             the AVX-512 loops (-Davx512=false), so that on an AVX-512 machine, where the
#             main build takes those, the AVX2 ones meet every suite too
#   valgrind  a plain build (-O2 -g): the C and reliability suites under memcheck
#   tsan      clang + libomp with its ThreadSanitizer tool (libarcher): the threads and
#             concurrency tests
#   fuzz      clang, libFuzzer + ASan + UBSan: the C and reliability suites, then the
#             fuzzer for NUMGRAD_FUZZ_SECONDS (default 60) from the committed corpus;
#             built with -DNG_WIDE_LOCKSTEP, so that on any AVX-512 machine the 512-bit
#             lockstep loops, which the main build takes only on AMD Zen 4, meet them too
#   serial    clang without OpenMP and without the AVX2 loops (-Dopenmp=disabled
#             -Davx2=false): the library must build warning-free and pass the C,
#             reliability, examples and Python suites serially, with the SSE2 loops (on an
#             AVX2 machine they otherwise run only at row ends) doing all the vector work
# Prints one line per step and a summary; exits non-zero when any step fails. Safe to
# rerun: build dirs are reconfigured in place and only what changed is rebuilt.
# Usage: scripts/sanitize.sh [STEP...]   (default: all five, in that order)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
base=${NUMGRAD_BUILDDIR:-build}
base=${base%/}
fuzz_seconds=${NUMGRAD_FUZZ_SECONDS:-60}
jobs=${NUMGRAD_JOBS:-2}
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan valgrind tsan fuzz serial)

summary=()
failures=0
note() { printf 'sanitize.sh: %s\n' "$*"; }

# run NAME LOG COMMAND...: runs a command with its output in LOG, records the result.
run() {
  local name=$1 log=$2
  shift 2
  local start=$SECONDS rc=0
  note "$name ..."
  "$@" >"$log" 2>&1 || rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    summary+=("$(printf '  %-28s ok     %4ds' "$name" "$took")")
  else
    failures=$((failures + 1))
    summary+=("$(printf '  %-28s FAILED %4ds  (exit %d, log %s)' "$name" "$took" "$rc" "$log")")
    note "$name FAILED (exit $rc); the end of $log:"
    tail -n 40 "$log" | sed 's/^/    /'
  fi
  return $rc
}

# configure DIR OPTION...: meson setup, or reconfigure with the same options.
configure() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# test_targets DIR SUITE-OR-TEST...: the build targets those tests run or depend on, so
# that a sanitizer build compiles only what it tests.
test_targets() {
  /usr/bin/python3 - "$@" <<'PY'
import json, os, subprocess, sys
build = os.path.abspath(sys.argv[1])
wanted = set(sys.argv[2:])
intro = lambda what: json.loads(subprocess.check_output(["meson", "introspect", what, build]))
files = {t["id"]: t["filename"] for t in intro("--targets")}
out = set()
for t in intro("--tests"):
    suites = {s.split(":")[-1] for s in t["suite"]}
    if t["name"] not in wanted and not suites & wanted:
        continue
    paths = [c for c in t["cmd"] if c.startswith(build + os.sep)]
    for dep in t.get("depends", []):
        paths += files.get(dep, [])
    out.update(os.path.relpath(p, build) for p in map(os.path.abspath, paths)
               if p.startswith(build + os.sep))
print("\n".join(sorted(out)))
PY
}

# build DIR SUITE-OR-TEST... [-- TARGET...]: builds what those tests need.
build() {
  local dir=$1
  shift
  local wanted=() extra=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do wanted+=("$1"); shift; done
  [ $# -gt 0 ] && shift && extra=("$@")
  local targets
  mapfile -t targets < <(test_targets "$dir" "${wanted[@]}")
  [ ${#targets[@]} -gt 0 ] || { echo "no tests named ${wanted[*]} in $dir"; return 1; }
  ninja -C "$dir" -j "$jobs" "${targets[@]}" "${extra[@]}"
}

# setup_and_build DIR "SUITE-OR-TEST..." [EXTRA TARGETS] -- OPTION...
setup_and_build() {
  local dir=$1 wanted=$2 extra=$3
  shift 4
  configure "$dir" "$@" && build "$dir" $wanted -- $extra
}

# with_clang COMMAND...: runs a command (or function) with clang as the C and C++ compiler.
with_clang() { CC=clang CXX=clang++ "$@"; }

# The runtime options: stop at the first report, and fail the process on one.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:exitcode=23:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export LSAN_OPTIONS=suppressions=$root/tests/reliability/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=24
export TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
common=(-Dwerror=true -Dr=disabled -Dcli=disabled)
# Fewer rounds of the concurrency test where every access is slowed down.
slow_rounds=6

# The Python suite against the ASan build. /usr/bin/python3 is not instrumented: the
# ASan runtime is preloaded, with libstdc++ (its __cxa_throw interceptor needs the real
# one at start-up: torch throws C++ exceptions); leak checking is off (the interpreter
# keeps its memory until exit). Reports go to files, since pytest captures stderr.
python_under_asan() {
  local dir=$1 rc=0
  rm -f "$dir"/sanitizer-python.*
  env LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)" \
    ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}:log_path=$dir/sanitizer-python" \
    UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$dir/sanitizer-python" \
    meson test -C "$dir" --no-rebuild --print-errorlogs --suite python || rc=$?
  if compgen -G "$dir/sanitizer-python.*" >/dev/null; then
    cat "$dir"/sanitizer-python.*
    [ $rc -ne 0 ] || rc=1
  fi
  return $rc
}

step_asan() {
  local dir=$base-asan
  mkdir -p "$dir"
  run "asan: build" "$dir/sanitize-build.log" \
    setup_and_build "$dir" "c reliability fortran python" "" -- "${common[@]}" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
      -Db_lundef=false -Dopenmp=enabled -Dfortran=auto -Dpython=auto -Davx512=false \
      "-Dc_args=-fno-omit-frame-pointer -fno-sanitize-recover=all" \
      "-Dcpp_args=-fno-omit-frame-pointer -fno-sanitize-recover=all" \
      "-Dfortran_args=-fno-omit-frame-pointer" || return
  run "asan: c, reliability, fortran" "$dir/sanitize-test.log" \
    meson test -C "$dir" --no-rebuild --print-errorlogs --suite c --suite reliability --suite fortran
  local listed
  listed=$(meson test -C "$dir" --no-rebuild --list 2>/dev/null)
  if grep -q '^numgrad:python ' <<<"$listed"; then
    run "asan: python (LD_PRELOAD)" "$dir/sanitize-python.log" python_under_asan "$dir"
  else
    summary+=("$(printf '  %-28s skipped (no python suite in %s)' "asan: python" "$dir")")
  fi
}

step_valgrind() {
  local dir=$base-valgrind
  mkdir -p "$dir"
  run "valgrind: build" "$dir/sanitize-build.log" \
    setup_and_build "$dir" "c reliability" "" -- "${common[@]}" -Dbuildtype=debugoptimized -Dopenmp=enabled \
      -Dfortran=disabled -Dpython=disabled || return
  local wrapper="valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
  run "valgrind: c, reliability" "$dir/sanitize-test.log" \
    env NUMGRAD_STRESS_ROUNDS=$slow_rounds OMP_NUM_THREADS=2 \
    meson test -C "$dir" --no-rebuild --print-errorlogs -t 10 --wrapper "$wrapper" \
      --suite c --suite reliability --no-suite abi
}

step_tsan() {
  local dir=$base-tsan
  mkdir -p "$dir"
  # libarcher makes LLVM's OpenMP runtime tell ThreadSanitizer about its barriers and
  # tasks; without it (or with libgomp) OpenMP regions give false reports.
  local archer
  archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -n 1)
  local openmp=enabled
  [ -n "$archer" ] || openmp=disabled
  run "tsan: build (openmp $openmp)" "$dir/sanitize-build.log" \
    with_clang setup_and_build "$dir" "threads concurrency" "" -- "${common[@]}" -Dbuildtype=debugoptimized \
      -Db_sanitize=thread -Db_lundef=false -Dopenmp=$openmp -Dfortran=disabled -Dpython=disabled \
      || return
  run "tsan: threads, concurrency" "$dir/sanitize-test.log" \
    env NUMGRAD_STRESS_ROUNDS=$slow_rounds OMP_NUM_THREADS=2 OMP_TOOL_LIBRARIES="$archer" \
    meson test -C "$dir" --no-rebuild --print-errorlogs -t 4 threads concurrency
}

step_fuzz() {
  local dir=$base-fuzz
  mkdir -p "$dir"
  local flags="-fsanitize=fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=all"
  run "fuzz: build" "$dir/sanitize-build.log" \
    with_clang setup_and_build "$dir" "c reliability" "tests/reliability/fuzz_gradient" -- "${common[@]}" -Dbuildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false -Dopenmp=enabled -Dfortran=disabled \
      -Dpython=disabled "-Dc_args=$flags" "-Dcpp_args=$flags -DNG_WIDE_LOCKSTEP" || return
  run "fuzz: c, reliability (clang)" "$dir/sanitize-test.log" \
    meson test -C "$dir" --no-rebuild --print-errorlogs --suite c --suite reliability
  # New inputs go to $dir/corpus; the committed corpus is read only. Crashes land in
  # $dir/artifacts: replay one with `$dir/tests/reliability/fuzz_gradient FILE`.
  mkdir -p "$dir/corpus" "$dir/artifacts"
  run "fuzz: libFuzzer ${fuzz_seconds}s" "$dir/sanitize-fuzz.log" \
    "$dir/tests/reliability/fuzz_gradient" -max_total_time="$fuzz_seconds" -timeout=20 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
      "$dir/corpus" "$root/fuzz/corpus"
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/sanitize-fuzz.log")
  [ -n "$runs" ] && note "fuzz: $runs inputs in ${fuzz_seconds}s"
}

step_serial() {
  local dir=$base-serial
  mkdir -p "$dir"
  run "serial: build (no OpenMP, no AVX2)" "$dir/sanitize-build.log" \
    with_clang setup_and_build "$dir" "c reliability examples python" "" -- "${common[@]}" \
      -Dbuildtype=release -Dopenmp=disabled -Davx2=false -Dfortran=disabled -Dpython=auto -Dmpi=disabled || return
  run "serial: c, reliability, examples, python" "$dir/sanitize-test.log" \
    meson test -C "$dir" --no-rebuild --print-errorlogs --suite c --suite reliability \
      --suite examples --suite python
}

start=$SECONDS
for s in "${steps[@]}"; do
  case $s in
  asan | valgrind | tsan | fuzz | serial) "step_$s" ;;
  *)
    note "unknown step $s (asan, valgrind, tsan, fuzz, serial)"
    exit 2
    ;;
  esac
done
echo "sanitize.sh summary ($((SECONDS - start))s, build dirs $base-{$(IFS=,; echo "${steps[*]}")}):"
printf '%s\n' "${summary[@]}"
if [ $failures -eq 0 ]; then
  echo "sanitize.sh: every check is clean"
else
  echo "sanitize.sh: $failures check(s) FAILED"
fi
[ $failures -eq 0 ]
