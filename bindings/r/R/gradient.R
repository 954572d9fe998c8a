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

# The boundary modes, as the library numbers them (ng_boundary_mode).
boundary_modes <- c(edge = 0L, periodic = 1L, halo = 2L)

# One boundary entry, a mode for both sides or a (lower, upper) pair of modes, as
# c(lower, upper) mode numbers. A pair's names, if any, are lower and upper.
boundary_entry <- function(b, what, call) {
  modes <- '"edge", "periodic" or "halo"'
  if (!is.character(b) || is.object(b) || length(b) < 1L || length(b) > 2L || anyNA(b)) {
    shown <- if (is.character(b) && !is.object(b) && length(b) > 2L) {
      sprintf("a character vector of length %d", length(b))
    } else if (is.object(b)) {
      class(b)[1L]
    } else if (is.character(b) && anyNA(b)) {
      "NA"
    } else if (is.character(b)) {
      "empty"
    } else {
      typeof(b)
    }
    numgrad_stop(sprintf("%s must be %s, or a c(lower = , upper = ) pair of them, not %s",
                         what, modes, shown), call = call)
  }
  nm <- names(b)
  if (length(b) == 2L && !is.null(nm) && !setequal(nm, c("lower", "upper"))) {
    numgrad_stop(sprintf("%s: a pair is named c(lower = , upper = ), not c(%s)", what,
                         paste0(nm, " = ", collapse = ", ")), call = call)
  }
  if (length(b) == 1L && !is.null(nm) && nm %in% c("lower", "upper")) {
    numgrad_stop(sprintf("%s gives only its %s side: write c(lower = , upper = )", what, nm),
                 call = call)
  }
  if (length(b) == 2L && !is.null(nm)) b <- b[c("lower", "upper")]
  bad <- !(b %in% names(boundary_modes))
  if (any(bad)) {
    numgrad_stop(sprintf("%s%s is \"%s\"; it must be %s", what,
                         if (length(b) == 2L) c("[\"lower\"]", "[\"upper\"]")[bad][1L] else "",
                         b[bad][1L], modes), call = call)
  }
  unname(boundary_modes[rep_len(b, 2L)])
}

# `boundary` as a 2 x k integer matrix (rows lower, upper) of mode numbers.
boundary_matrix <- function(boundary, k, call) {
  count_error <- function(n) {
    numgrad_stop(sprintf(paste0("boundary has %d entries but %d dim%s differentiated: give one ",
                                "boundary for all dims or one per dim"),
                         n, k, if (k == 1L) " is" else "s are"), call = call)
  }
  if (is.list(boundary) && !is.object(boundary)) {
    if (length(boundary) != 1L && length(boundary) != k) count_error(length(boundary))
    entries <- lapply(seq_along(boundary), function(i) {
      boundary_entry(boundary[[i]], sprintf("boundary[[%d]]", i), call)
    })
  } else if (is.character(boundary) && !is.object(boundary) &&
             any(names(boundary) %in% c("lower", "upper"))) {
    entries <- list(boundary_entry(boundary, "boundary", call)) # one pair for all dims
  } else if (is.character(boundary) && !is.object(boundary) && length(boundary) >= 1L) {
    if (length(boundary) != 1L && length(boundary) != k) count_error(length(boundary))
    entries <- lapply(seq_along(boundary), function(i) {
      boundary_entry(unname(boundary[i]),
                     if (length(boundary) == 1L) "boundary" else sprintf("boundary[%d]", i),
                     call)
    })
  } else {
    boundary_entry(boundary, "boundary", call) # the error for any other type
  }
  m <- matrix(as.integer(unlist(entries)), nrow = 2L)
  m[, rep_len(seq_len(ncol(m)), k), drop = FALSE]
}

# `period` as one double per differentiated dim (0: none). One number serves every dim
# that is periodic over coordinates; the library says what is wrong with the others.
period_vector <- function(period, k, periodic, coords, call) {
  if (is.null(period)) return(double(k))
  if (!(is.double(period) || is.integer(period) || is.logical(period) && all(is.na(period))) ||
      is.object(period) || length(period) == 0L) {
    numgrad_stop(sprintf("period must be NULL or numbers (NA for none), not %s",
                         if (is.object(period)) class(period)[1L] else
                         if (length(period) == 0L) "empty" else typeof(period)), call = call)
  }
  period <- as.double(period)
  if (any(!is.na(period) & period == 0)) {
    numgrad_stop("period must not be 0 (use NA for a dim without a period)", call = call)
  }
  if (length(period) == 1L && k != 1L) {
    takes <- periodic & coords
    if (!is.na(period) && !any(takes)) {
      numgrad_stop(paste("period is given but no dim is periodic over coordinates (a uniform",
                         "spacing h repeats after n*h)"), call = call)
    }
    period <- ifelse(takes, period, NA_real_)
  } else if (length(period) != k) {
    numgrad_stop(sprintf(paste0("period has %d entries but %d dim%s differentiated: give one ",
                                "period for all, or one per dim (NA for none)"),
                         length(period), k, if (k == 1L) " is" else "s are"), call = call)
  }
  ifelse(is.na(period), 0, period)
}

gradient <- function(x, spacing = 1, dims = NULL, edge_order = 1L, threads = NULL,
                     boundary = "edge", period = NULL, accuracy = 2L, strict = FALSE) {
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

  # Whole numbers go to the library (0, which means 2 there, is refused here).
  if (!is_whole(accuracy) || length(accuracy) != 1L || is.object(accuracy) ||
      abs(accuracy) > .Machine$integer.max) {
    numgrad_stop("accuracy must be 2, 4, 6 or 8", call = call)
  }
  if (accuracy == 0) {
    numgrad_stop("accuracy is 0; it must be 2, 4, 6 or 8", status = "NG_ERR_ACCURACY",
                 call = call)
  }
  accuracy <- as.integer(accuracy)

  if (!is.logical(strict) || length(strict) != 1L || is.na(strict) || is.object(strict)) {
    numgrad_stop("strict must be TRUE or FALSE", call = call)
  }

  bm <- boundary_matrix(boundary, k, call)
  coords <- if (length(sp) == k) {
    vapply(sp, length, 1L) > 1L
  } else {
    rep(length(sp) == 1L && length(sp[[1L]]) > 1L, k)
  }
  per <- period_vector(period, k, bm[1L, ] == boundary_modes[["periodic"]], coords, call)
  if (all(bm == boundary_modes[["edge"]]) && all(per == 0)) {
    lower <- upper <- integer(0) # numpy's edges everywhere: no boundary for the library
    per <- double(0)
  } else {
    lower <- bm[1L, ]
    upper <- bm[2L, ]
  }

  # The results' shape: halo sides drop accuracy/2 ghost cells each (a wrong accuracy or
  # too short a dim is the library's error, reported before any output is used).
  shape <- if (is.null(d)) as.double(length(x)) else as.double(d)
  width <- if (accuracy %in% c(2L, 4L, 6L, 8L)) accuracy %/% 2L else 0L
  lo <- hi <- double(ndim)
  lo[dims] <- (bm[1L, ] == boundary_modes[["halo"]]) * width
  hi[dims] <- (bm[2L, ] == boundary_modes[["halo"]]) * width
  out_shape <- pmax(shape - lo - hi, 0)
  trimmed <- any(out_shape != shape)
  owned <- lapply(seq_len(ndim), function(j) lo[j] + seq_len(out_shape[j]))
  out_dimnames <- dimnames(x)
  if (trimmed && !is.null(out_dimnames)) {
    for (j in seq_len(ndim)) {
      if (!is.null(out_dimnames[[j]])) out_dimnames[j] <- list(out_dimnames[[j]][owned[[j]]])
    }
  }
  # names: a vector's, or an array's own "names" attribute (a 1-d array's names are its
  # dimnames, set above), cut to the owned cells.
  out_names <- if (length(d) == 1L) NULL else attr(x, "names", exact = TRUE)
  if (trimmed && !is.null(out_names)) {
    out_names <- as.vector(do.call(`[`, c(list(array(out_names, shape)), owned, drop = FALSE)))
  }

  res <- .ng_gradient(x, dims - 1L, sp, as.integer(edge_order), as.integer(threads), lower,
                      upper, per, accuracy, strict, out_shape, out_dimnames, out_names)
  if (is.character(res)) {
    numgrad_stop(library_message(res, dims), status = attr(res, "status"), call = call)
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

# The library's message in R's terms: it counts dims, spacing entries and coordinates
# from 0 and names the fields of its C options struct; R counts from 1 and names
# arguments. `dims` (1-based) tells whose boundary options->boundary[i] is.
library_message <- function(res, dims) {
  msg <- as.character(res)
  renumber <- function(msg, pattern, format, map = function(n) n + 1L) {
    m <- gregexpr(pattern, msg, perl = TRUE)
    regmatches(msg, m) <- lapply(regmatches(msg, m), function(found) {
      n <- as.integer(sub(pattern, "\\1", found, perl = TRUE))
      sprintf(format, map(n))
    })
    msg
  }
  msg <- renumber(msg, "options->spacing\\[(\\d+)\\]", "spacing[[%d]]")
  msg <- renumber(msg, "\\bdim (\\d+)", "dim %d")
  msg <- gsub("options->nspacing", "length(spacing)", msg, fixed = TRUE)
  # strict: spacing[[i]].h, spacing[[i]].coords[j], "coords are not strictly monotonic"
  msg <- sub("(spacing\\[\\[\\d+\\]\\])\\.h is", "\\1 is", msg)
  msg <- renumber(msg, "\\.coords\\[(\\d+)\\]", "[%d]")
  msg <- sub("(spacing\\[\\[\\d+\\]\\])\\.coords are not", "the coordinates in \\1 are not", msg)
  msg <- renumber(msg, "(?<![\\w\\]])coords\\[(\\d+)\\]", "x[%d]")
  # boundaries: R passes one per differentiated dim, options->boundary[i] is dims[i+1]'s
  dim_of <- function(i) ifelse(i + 1L <= length(dims), dims[pmin(i + 1L, length(dims))], i + 1L)
  msg <- renumber(msg, "options->boundary\\[(\\d+)\\]\\.period", "the period of dim %d", dim_of)
  msg <- renumber(msg, "options->boundary\\[(\\d+)\\]", "the boundary of dim %d", dim_of)
  msg <- sub("set period so that x[n] = x[0] + period",
             "give period, so that x[n+1] = x[1] + period", msg, fixed = TRUE)
  msg <- sub("x[0] + period", "x[1] + period", msg, fixed = TRUE)
  msg <- sub("after x[n-1]", "after x[n]", msg, fixed = TRUE)
  # printf's %g spellings of R's special values
  msg <- gsub("(?<![\\w.])-?nan\\b", "NaN", msg, perl = TRUE)
  msg <- gsub("(?<![\\w.])inf\\b", "Inf", msg, perl = TRUE)
  gsub("(options|input)->", "", msg)
}
