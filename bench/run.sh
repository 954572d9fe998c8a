#!/usr/bin/env bash
# Runs the benchmarks and writes bench/results/: machine.txt, c.md and c.csv (the C
# benchmark), python.md and python.csv (numgrad, numpy, torch), gbs.png (the plot).
# The build is a release build of its own (NUMGRAD_BENCH_BUILDDIR, default build-bench).
#   bench/run.sh [C benchmark options, e.g. --reps=15 --dims=3]
# PYREPS sets the Python benchmark's rounds (default 7), PYCASES its cases (default all).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
builddir=${NUMGRAD_BENCH_BUILDDIR:-build-bench}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dbuildtype=release -Dopenmp=enabled -Dr=disabled -Dfortran=disabled \
    -Dcli=disabled >/dev/null
fi
ninja -C "$builddir" bench/bench_gradient >/dev/null
out=bench/results
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "kernel: $(uname -r)"
  echo "compiler: $(c++ --version | head -n1)"
  echo "nproc: $(nproc)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  lscpu
} >"$out/machine.txt"
"$builddir/bench/bench_gradient" --csv="$out/c.csv" "$@" | tee "$out/c.md"
PYTHONPATH=bindings/python NUMGRAD_LIBRARY="$builddir/lib/libnumgrad.so" \
  /usr/bin/python3 bench/bench_gradient.py --reps "${PYREPS:-7}" --cases "${PYCASES:-all}" \
  --csv "$out/python.csv" | tee "$out/python.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
/usr/bin/python3 bench/plot.py "$out/c.csv" "$out/python.csv" "$out/gbs.png"
