# Fields whose exact gradient is known: linear fields are exact everywhere; quadratic
# fields are exact in the interior and, with edge_order 2, at the edges too.

grid3 <- function(x, y, z, f) {
  a <- array(0, c(length(x), length(y), length(z)))
  for (k in seq_along(z)) a[, , k] <- outer(x, y, function(x, y) f(x, y, z[k]))
  a
}
interior <- function(a, dim) {
  idx <- lapply(dim(a), seq_len)
  idx[[dim]] <- idx[[dim]][-c(1L, length(idx[[dim]]))]
  do.call(`[`, c(list(a), idx, drop = FALSE))
}

x <- c(0, 0.5, 1.25, 2, 3.5, 4)  # non-uniform
y <- seq(-1, 1, by = 0.25)       # uniform spacing 0.25
z <- c(0, 1, 3, 4, 7)            # non-uniform

test_that("a linear field is exact everywhere, for both edge orders", {
  a <- grid3(x, y, z, function(x, y, z) 3 * x - 2 * y + 0.5 * z + 1)
  for (eo in 1:2) {
    g <- gradient(a, list(x, 0.25, z), edge_order = eo)
    expect_equal(g$dim1, array(3, dim(a)), tolerance = 1e-12)
    expect_equal(g$dim2, array(-2, dim(a)), tolerance = 1e-12)
    expect_equal(g$dim3, array(0.5, dim(a)), tolerance = 1e-12)
  }
})

test_that("a quadratic field is exact in the interior, and at the edges with edge_order 2", {
  f <- function(x, y, z) x^2 + x * y - 3 * z^2 + y^2 * 2
  a <- grid3(x, y, z, f)
  gx <- grid3(x, y, z, function(x, y, z) 2 * x + y)
  gy <- grid3(x, y, z, function(x, y, z) x + 4 * y)
  gz <- grid3(x, y, z, function(x, y, z) -6 * z + 0 * x * y)
  g1 <- gradient(a, list(x, 0.25, z))
  expect_equal(interior(g1$dim1, 1), interior(gx, 1), tolerance = 1e-12)
  expect_equal(interior(g1$dim2, 2), interior(gy, 2), tolerance = 1e-12)
  expect_equal(interior(g1$dim3, 3), interior(gz, 3), tolerance = 1e-12)
  # first-order edges are not exact for a quadratic
  expect_false(isTRUE(all.equal(g1$dim1, gx)))
  g2 <- gradient(a, list(x, 0.25, z), edge_order = 2)
  expect_equal(g2$dim1, gx, tolerance = 1e-12)
  expect_equal(g2$dim2, gy, tolerance = 1e-12)
  expect_equal(g2$dim3, gz, tolerance = 1e-12)
})

test_that("one dim of a 4-d array, with the others untouched", {
  a <- array(0, c(2, 3, 7, 2))
  t <- c(0, 0.1, 0.3, 0.6, 1, 1.5, 2.1)
  for (k in seq_along(t)) a[, , k, ] <- t[k]^2 + seq_len(2 * 3 * 2)
  g <- gradient(a, list(t), dims = 3, edge_order = 2)
  expect_named(g, "dim3")
  want <- array(0, dim(a))
  for (k in seq_along(t)) want[, , k, ] <- 2 * t[k]
  expect_equal(g$dim3, want, tolerance = 1e-12)
})

test_that("sin has cos as its gradient, to second order", {
  h <- 1e-3
  x <- seq(0, 2, by = h)
  g <- gradient(sin(x), h, edge_order = 2)$dim1
  expect_lt(max(abs(g - cos(x))), 1e-6)
})
