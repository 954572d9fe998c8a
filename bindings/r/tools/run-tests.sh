#!/bin/sh
# Installs the R package numgrad from this source tree into a temporary library and runs
# its testthat suite. Used by `meson test --suite r`; runnable by hand:
#   sh bindings/r/tools/run-tests.sh
# The package is copied first (symlinks to the core followed), so nothing is built
# inside the source tree. Environment: R (default: R on PATH), MAKEFLAGS (default -j2).
set -eu
pkg=$(cd "$(dirname "$0")/.." && pwd)
R=${R:-R}
: "${MAKEFLAGS:=-j2}"
export MAKEFLAGS

work=$(mktemp -d "${TMPDIR:-/tmp}/numgrad-r-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/lib"
cp -LR "$pkg" "$work/numgrad"
(cd "$work/numgrad" && ./cleanup)

# CRAN's warning flags on top of R's own; any compiler warning fails the test.
printf 'CXX17FLAGS += -Wall -pedantic\n' > "$work/Makevars"
R_MAKEVARS_USER="$work/Makevars" "$R" CMD INSTALL --no-multiarch --library="$work/lib" "$work/numgrad" > "$work/install.log" 2>&1 || {
    cat "$work/install.log"
    echo "run-tests.sh: R CMD INSTALL failed" >&2
    exit 1
}
if grep -q 'warning:' "$work/install.log"; then
    grep -B2 -A4 'warning:' "$work/install.log"
    echo "run-tests.sh: the package compiles with warnings" >&2
    exit 1
fi

cd "$work/numgrad/tests"
R_LIBS="$work/lib${R_LIBS:+:$R_LIBS}" "$R" --vanilla --slave -e '
  library(testthat)
  library(numgrad)
  cat("numgrad", numgrad_version(), "with", numgrad_threads(), "threads (OpenMP:",
      attr(numgrad_version(), "openmp"), ")\n")
  res <- as.data.frame(test_dir("testthat", package = "numgrad", load_package = "installed",
                                reporter = "summary", stop_on_failure = FALSE))
  failed <- sum(res$failed) + sum(res$error)
  cat(sprintf("%d passed, %d failed, %d skipped\n", sum(res$passed), failed, sum(res$skipped)))
  quit(status = if (failed > 0) 1L else 0L)
'
