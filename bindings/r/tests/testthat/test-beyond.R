# Beyond numpy: periodic and halo boundaries, accuracy orders 4 to 8, strict coordinates.
# Oracles: analytic derivatives; numpy's own formulas (a periodic array is the interior of
# its wrapped padding, a halo sub-array is a piece of the whole array's gradient, bit for
# bit); exactness on polynomials; measured orders of convergence.

# A periodic grid of n points over [0, L): uniform, or stretched (still strictly
# increasing) when `stretched`.
periodic_grid <- function(n, L = 2 * pi, stretched = FALSE) {
  s <- (seq_len(n) - 1) / n
  L * (s - if (stretched) 0.3 * sin(2 * pi * s) / (2 * pi) else 0)
}

# Sub-array of `a` with index vectors `idx` (one per dim), dims kept.
cut <- function(a, idx) do.call(`[`, c(list(a), idx, drop = FALSE))

test_that("the defaults are numpy's: edge boundaries, accuracy 2, not strict", {
  a <- array(sin(seq_len(6 * 5 * 4)), c(6, 5, 4))
  sp <- list(0.5, c(0, 1, 1.5, 3, 3.25), 2)
  for (eo in 1:2) {
    want <- gradient(a, sp, edge_order = eo)
    expect_identical(gradient(a, sp, edge_order = eo, boundary = "edge", period = NULL,
                              accuracy = 2L, strict = FALSE), want)
    expect_identical(gradient(a, sp, edge_order = eo, boundary = list("edge", "edge", "edge"),
                              accuracy = 2, strict = TRUE), want)
    expect_identical(gradient(a, sp, edge_order = eo,
                              boundary = c(lower = "edge", upper = "edge")), want)
  }
})

test_that("periodic: sin has cos as its gradient, to each accuracy order", {
  for (n in c(32, 64)) {
    x <- periodic_grid(n)
    h <- 2 * pi / n
    errors <- vapply(c(2, 4, 6, 8), function(acc) {
      g <- gradient(sin(x), h, boundary = "periodic", accuracy = acc)$dim1
      max(abs(g - cos(x)))
    }, 0)
    # The central formula of order 2 has error h^2/6 |f'''| at most.
    expect_lt(errors[1], h^2 / 6 * 1.0001)
    expect_true(all(diff(errors) < 0))
    expect_lt(errors[4], 1e-8)
  }
})

test_that("periodic coordinates take the period: x[n+1] = x[1] + period", {
  n <- 64
  x <- periodic_grid(n, stretched = TRUE)
  f <- sin(x) + cos(2 * x)
  exact <- cos(x) - 2 * sin(2 * x)
  g2 <- gradient(f, x, boundary = "periodic", period = 2 * pi)$dim1
  g8 <- gradient(f, x, boundary = "periodic", period = 2 * pi, accuracy = 8)$dim1
  expect_lt(max(abs(g2 - exact)), 0.03)
  expect_lt(max(abs(g8 - exact)), 1e-7)
  # Shifted coordinates: the same grid, the same derivative
  expect_equal(gradient(f, x + 10, boundary = "periodic", period = 2 * pi)$dim1, g2,
               tolerance = 1e-12)
  # Decreasing coordinates take a negative period
  expect_equal(rev(gradient(rev(f), rev(x), boundary = "periodic", period = -2 * pi)$dim1), g2,
               tolerance = 1e-12)
})

test_that("periodic equals the interior of the wrapped padding, bit for bit", {
  n <- 11
  period <- 7.5
  x <- periodic_grid(n, L = period, stretched = TRUE)
  set.seed(1)
  re <- matrix(round(rnorm(3 * n) * 64) / 16, 3, n)
  for (z in list(re, matrix(complex(real = re, imaginary = rev(re)), 3, n))) {
    for (acc in c(2, 4, 8)) {
      w <- acc / 2 # samples wrapped onto each side
      pad <- cbind(z[, (n - w + 1):n, drop = FALSE], z, z[, 1:w, drop = FALSE])
      inner <- w + seq_len(n)
      # uniform spacing
      got <- gradient(z, 0.7, dims = 2, boundary = "periodic", accuracy = acc)$dim2
      expect_identical(got, gradient(pad, 0.7, dims = 2, accuracy = acc)$dim2[, inner])
      # coordinates and a period
      xp <- c(x[(n - w + 1):n] - period, x, x[1:w] + period)
      got <- gradient(z, list(x), dims = 2, boundary = "periodic", period = period,
                      accuracy = acc)$dim2
      expect_identical(got, gradient(pad, list(xp), dims = 2, accuracy = acc)$dim2[, inner])
    }
  }
})

test_that("periodic along one dim, edges along the other", {
  m <- outer(seq(0, 1, length.out = 7), periodic_grid(12), function(r, t) r^2 * sin(t))
  g <- gradient(m, list(1 / 6, 2 * pi / 12), boundary = c("edge", "periodic"))
  expect_identical(g$dim1, gradient(m, 1 / 6, dims = 1)$dim1)
  expect_identical(g$dim2, gradient(m, 2 * pi / 12, dims = 2, boundary = "periodic")$dim2)
  # one period for all dims serves the periodic dims with coordinates
  t <- periodic_grid(12)
  g <- gradient(m, list(1 / 6, t), boundary = c("edge", "periodic"), period = 2 * pi)
  expect_identical(g$dim2, gradient(m, list(t), dims = 2, boundary = "periodic",
                                    period = 2 * pi)$dim2)
  expect_identical(g, gradient(m, list(1 / 6, t), boundary = list("edge", "periodic"),
                               period = c(NA, 2 * pi)))
})

test_that("halo: sub-arrays with ghost cells reproduce the whole array's gradient", {
  # A 3-d array split over 3 x 2 "ranks" along dims 1 and 2, each with accuracy/2 ghost
  # cells on every inner side, as a domain-decomposed code holds it.
  set.seed(2)
  shape <- c(14, 13, 9)
  whole <- array(round(rnorm(prod(shape)) * 256) / 64, shape,
                 dimnames = list(i = sprintf("i%d", 1:14), j = NULL, k = letters[1:9]))
  y <- cumsum(c(0, 0.5 + (seq_len(12) %% 3) / 4)) # non-uniform coordinates along dim 2
  cut1 <- c(0, 5, 9, 14)
  cut2 <- c(0, 7, 13)
  for (acc in c(2, 4, 8)) {
    w <- acc / 2
    for (eo in 1:2) {
      ref <- gradient(whole, list(0.3, y, 1), edge_order = eo, accuracy = acc)
      for (r1 in 1:3) for (r2 in 1:2) {
        own1 <- (cut1[r1] + 1):cut1[r1 + 1]
        own2 <- (cut2[r2] + 1):cut2[r2 + 1]
        lo1 <- if (r1 > 1) w else 0
        hi1 <- if (r1 < 3) w else 0
        lo2 <- if (r2 > 1) w else 0
        hi2 <- if (r2 < 2) w else 0
        rows <- (min(own1) - lo1):(max(own1) + hi1)
        cols <- (min(own2) - lo2):(max(own2) + hi2)
        side <- function(halo) if (halo > 0) "halo" else "edge"
        local <- gradient(cut(whole, list(rows, cols, 1:9)), list(0.3, y[cols], 1),
                          edge_order = eo, accuracy = acc,
                          boundary = list(c(side(lo1), side(hi1)),
                                          c(lower = side(lo2), upper = side(hi2)), "edge"))
        expect_named(local, c("i", "j", "k"))
        for (d in 1:3) {
          expect_identical(local[[d]], cut(ref[[d]], list(own1, own2, 1:9)),
                           label = sprintf("accuracy %d edge_order %d rank (%d, %d) dim %d",
                                           acc, eo, r1, r2, d))
        }
      }
    }
  }
})

test_that("halo: results are shorter by accuracy/2 per halo side, names trimmed alike", {
  v <- c(a = 1, b = 4, c = 9, d = 16, e = 25, f = 36)
  expect_identical(gradient(v, boundary = "halo")$dim1, c(b = 4, c = 6, d = 8, e = 10))
  expect_identical(gradient(v, boundary = c(lower = "halo", upper = "edge"))$dim1,
                   c(b = 4, c = 6, d = 8, e = 10, f = 11))
  expect_identical(gradient(v, boundary = c(lower = "edge", upper = "halo"))$dim1,
                   c(a = 3, b = 4, c = 6, d = 8, e = 10))
  expect_identical(names(gradient(v, boundary = "halo", accuracy = 4)$dim1), c("c", "d"))
  # a 1-d array keeps its named dimnames
  a1 <- array(c(1, 4, 9, 16, 25), 5, dimnames = list(t = letters[1:5]))
  expect_identical(gradient(a1, boundary = "halo")$t,
                   array(c(4, 6, 8), 3, dimnames = list(t = c("b", "c", "d"))))
  # every result of a call has the owned shape: halo dims are cut in all of them
  m <- matrix(as.double(1:48), 6, 8, dimnames = list(r = letters[1:6], c = LETTERS[1:8]))
  g <- gradient(m, boundary = c("halo", "edge"))
  expect_identical(dim(g$r), c(4L, 8L))
  expect_identical(dim(g$c), c(4L, 8L))
  expect_identical(dimnames(g$c), list(r = letters[2:5], c = LETTERS[1:8]))
  expect_identical(g$r, matrix(1, 4, 8, dimnames = dimnames(g$r)))
  expect_identical(g$c, matrix(6, 4, 8, dimnames = dimnames(g$r)))
  # dims that are not differentiated are never cut
  g <- gradient(m, dims = 2, boundary = "halo", accuracy = 6)
  expect_identical(dim(g$c), c(6L, 2L))
  expect_identical(dimnames(g$c), list(r = letters[1:6], c = c("D", "E")))
  # an array's own names attribute follows its elements
  n3 <- structure(matrix(as.double(1:12), 3, 4), names = sprintf("e%d", 1:12))
  expect_identical(names(gradient(n3, dims = 1, boundary = "halo")$dim1),
                   sprintf("e%d", c(2, 5, 8, 11)))
})

test_that("halo with periodic and edge sides on other dims, complex and integer input", {
  z <- matrix(complex(real = sin(1:40), imaginary = cos(1:40)), 8, 5)
  g <- gradient(z, boundary = list("periodic", "halo"))
  expect_identical(dim(g$dim1), c(8L, 3L))
  expect_identical(g$dim1, gradient(z, dims = 1, boundary = "periodic")$dim1[, 2:4])
  expect_identical(g$dim2, gradient(z, dims = 2)$dim2[, 2:4])
  i <- matrix(1:20, 4, 5)
  expect_identical(gradient(i, boundary = "halo"), gradient(i + 0, boundary = "halo"))
})

test_that("accuracy p is exact on polynomials of degree p, boundaries included", {
  for (acc in c(4, 6, 8)) {
    for (stretched in c(FALSE, TRUE)) {
      n <- 14
      x <- if (stretched) cumsum(c(0, 0.2 + (seq_len(n - 1) %% 4) / 10)) else (seq_len(n) - 1) / 4
      f <- x^acc - 3 * x + 2
      exact <- acc * x^(acc - 1) - 3
      sp <- if (stretched) list(x) else 0.25
      g <- gradient(f, sp, accuracy = acc)$dim1
      expect_equal(g, exact, tolerance = 1e-9, label = sprintf("accuracy %d", acc))
      # degree p + 1 is not exact
      g1 <- gradient(x^(acc + 1), sp, accuracy = acc)$dim1
      expect_gt(max(abs(g1 - (acc + 1) * x^acc)), 1e-6)
    }
  }
  # along every dim of an array, and with halo sides
  a <- outer(0:9 / 2, 0:10 / 3, function(x, y) x^4 - x * y^3 + y^4)
  g <- gradient(a, c(0.5, 1 / 3), accuracy = 4, boundary = "halo")
  x <- (0:9 / 2)[3:8]
  y <- (0:10 / 3)[3:9]
  expect_equal(g$dim1, outer(x, y, function(x, y) 4 * x^3 - y^3), tolerance = 1e-10)
  expect_equal(g$dim2, outer(x, y, function(x, y) -3 * x * y^2 + 4 * y^3), tolerance = 1e-10)
})

test_that("each accuracy order converges as h^p", {
  # max error of d/dx of sin(6x) + cos(5x) on [0, 1.5] (edges), or of sin(x) + cos(2x)
  # over one period (periodic), on n points of a uniform or stretched grid
  error_at <- function(acc, n, stretched, periodic) {
    L <- if (periodic) 2 * pi else 1.5
    s <- if (periodic) (seq_len(n) - 1) / n else (seq_len(n) - 1) / (n - 1)
    x <- L * (s - if (stretched) 0.3 * sin(2 * pi * s) / (2 * pi) else 0)
    if (periodic) {
      f <- sin(x) + cos(2 * x)
      exact <- cos(x) - 2 * sin(2 * x)
      g <- gradient(f, list(x), boundary = "periodic", period = L, accuracy = acc)$dim1
    } else {
      f <- sin(6 * x) + cos(5 * x)
      exact <- 6 * cos(6 * x) - 5 * sin(5 * x)
      g <- gradient(f, list(x), accuracy = acc, edge_order = 2)$dim1
    }
    c(err = max(abs(g - exact)), h = max(diff(x)))
  }
  coarse <- list(edges = list(uniform = c(64, 64, 96, 96), stretched = c(64, 64, 96, 48)),
                 periodic = list(uniform = c(32, 32, 48, 48), stretched = c(32, 32, 48, 48)))
  for (periodic in c(FALSE, TRUE)) for (stretched in c(FALSE, TRUE)) for (a in 1:4) {
    acc <- 2 * a
    n <- coarse[[periodic + 1]][[stretched + 1]][a]
    e1 <- error_at(acc, n, stretched, periodic)
    e2 <- error_at(acc, 2 * n, stretched, periodic)
    order <- log(e1[["err"]] / e2[["err"]]) / log(e1[["h"]] / e2[["h"]])
    expect_lt(abs(order - acc), 0.2,
              label = sprintf("|measured order - %d| (%s, %s: %.3f)", acc,
                              if (stretched) "stretched" else "uniform",
                              if (periodic) "periodic" else "edges", order))
  }
})

test_that("strict accepts good coordinates and changes nothing", {
  x <- c(0, 0.5, 1.25, 2, 3.5, 4)
  f <- x^2
  expect_identical(gradient(f, x, strict = TRUE), gradient(f, x))
  expect_identical(gradient(f, rev(x), strict = TRUE), gradient(f, rev(x)))
  expect_identical(gradient(f, -0.5, strict = TRUE), gradient(f, -0.5))
  expect_identical(gradient(f, x, boundary = "periodic", period = 4.5, strict = TRUE),
                   gradient(f, x, boundary = "periodic", period = 4.5))
})

test_that("the general kernel gives the same bits on any number of threads", {
  a <- array(sin(seq_len(60 * 50 * 40)), c(60, 50, 40))
  args <- list(a, list(0.1, cumsum(1 + (seq_len(50) %% 3)), 1),
               boundary = list("periodic", c("halo", "edge"), c(lower = "edge", upper = "halo")),
               accuracy = 4)
  expect_identical(do.call(gradient, c(args, threads = 1)), do.call(gradient, c(args, threads = 2)))
})
