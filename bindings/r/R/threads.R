# numgrad_threads(): the package-wide thread count (kept in src/numgrad_r.cpp).

numgrad_threads <- function(threads = NULL) {
  if (is.null(threads)) {
    return(.ng_threads(NA_integer_))
  }
  if (!is_whole(threads) || length(threads) != 1L || threads < 0 ||
      threads > .Machine$integer.max) {
    numgrad_stop("threads must be NULL, 0 (the default count) or one whole number >= 1")
  }
  invisible(.ng_threads(as.integer(threads)))
}

numgrad_version <- function() {
  structure(.ng_version(), openmp = .ng_has_openmp())
}
