# gradient(): argument handling in R terms; the arithmetic is the library's.

# An R error of class "numgrad_error" (also "error"), with the library's status name.
numgrad_stop <- function(message, status = NA_character_, call = sys.call(-1L)) {
  stop(structure(
    class = c("numgrad_error", "error", "condition"),
    list(message = message, call = call, status = status)
  ))
}

is_whole <- function(v) {
  is.numeric(v) && !anyNA(v) && all(is.finite(v)) && all(v == trunc(v))
}

# One spacing entry as a plain double vector (length 1: a spacing; longer: coordinates).
spacing_entry <- function(s, what, call) {
  if (!(is.double(s) || is.integer(s)) || is.object(s)) {
    numgrad_stop(sprintf("%s must be a number or a numeric vector of coordinates, not %s",
                         what, class(s)[1L]), call = call)
  }
  if (length(s) == 0L) {
    numgrad_stop(sprintf("%s is empty: give a number or a vector of coordinates", what),
                 call = call)
  }
  as.double(s)
}

gradient <- function(x, spacing = 1, dims = NULL, edge_order = 1L, threads = NULL) {
  call <- sys.call()
  if (is.integer(x) && !is.object(x)) {
    storage.mode(x) <- "double" # NA_integer_ becomes NA_real_
  } else if (!(is.double(x) || is.complex(x)) || is.object(x)) {
    what <- if (is.object(x)) class(x)[1L] else typeof(x)
    numgrad_stop(sprintf("x must be a numeric, integer or complex vector, matrix or array, not %s",
                         what), call = call)
  }

  d <- dim(x)
  ndim <- if (is.null(d)) 1L else length(d)
  if (is.null(dims)) {
    dims <- seq_len(ndim)
  } else {
    if (!is_whole(dims) || is.object(dims)) {
      numgrad_stop("dims must be whole numbers (dim 1 is the rows)", call = call)
    }
    bad <- dims < 1 | dims > ndim
    if (any(bad)) {
      numgrad_stop(sprintf("dims: %s is outside 1..%d for %s with %d dim%s", format(dims[bad][1L]),
                           ndim, if (is.null(d)) "a vector" else "an array", ndim,
                           if (ndim == 1L) "" else "s"), call = call)
    }
    if (anyDuplicated(dims)) {
      numgrad_stop(sprintf("dims: dim %d is named twice", as.integer(dims[duplicated(dims)][1L])),
                   call = call)
    }
    dims <- as.integer(dims)
  }
  k <- length(dims)

  if (is.list(spacing) && !is.object(spacing)) {
    sp <- lapply(seq_along(spacing), function(i) {
      spacing_entry(spacing[[i]], sprintf("spacing[[%d]]", i), call)
    })
  } else {
    s <- spacing_entry(spacing, "spacing", call)
    # One number for every dim; coordinates when only one dim is differentiated; otherwise
    # one number per dim.
    sp <- if (length(s) == 1L || k == 1L) list(s) else as.list(s)
  }

  # Whole numbers go to the library, which says what is wrong with 0 or 3.
  if (!is_whole(edge_order) || length(edge_order) != 1L ||
      abs(edge_order) > .Machine$integer.max) {
    numgrad_stop("edge_order must be 1 or 2", call = call)
  }

  if (is.null(threads)) {
    threads <- NA_integer_
  } else if (!is_whole(threads) || length(threads) != 1L || threads < 1 ||
             threads > .Machine$integer.max) {
    numgrad_stop("threads must be NULL or one whole number >= 1", call = call)
  }

  res <- .ng_gradient(x, dims - 1L, sp, as.integer(edge_order), as.integer(threads))
  if (is.character(res)) {
    numgrad_stop(library_message(res), status = attr(res, "status"), call = call)
  }

  dn <- names(dimnames(x))
  nm <- sprintf("dim%d", dims)
  if (!is.null(dn)) {
    named <- !is.na(dn[dims]) & nzchar(dn[dims])
    nm[named] <- dn[dims][named]
  }
  names(res) <- nm
  res
}

# The library's message in R's terms: it counts dims and spacing entries from 0 and
# names the fields of its C options struct; R counts from 1 and names arguments.
library_message <- function(res) {
  msg <- as.character(res)
  renumber <- function(msg, pattern, format) {
    m <- gregexpr(pattern, msg, perl = TRUE)
    regmatches(msg, m) <- lapply(regmatches(msg, m), function(found) {
      n <- as.integer(sub(pattern, "\\1", found, perl = TRUE))
      sprintf(format, n + 1L)
    })
    msg
  }
  msg <- renumber(msg, "options->spacing\\[(\\d+)\\]", "spacing[[%d]]")
  msg <- renumber(msg, "\\bdim (\\d+)", "dim %d")
  msg <- gsub("options->nspacing", "length(spacing)", msg, fixed = TRUE)
  gsub("(options|input)->", "", msg)
}
