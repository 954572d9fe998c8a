# What gradient() returns: always a list, x's dim, dimnames and names, R's dim order.

test_that("a vector gives a list of one vector that keeps its names", {
  v <- c(a = 1, b = 4, c = 9)
  g <- gradient(v)
  expect_type(g, "list")
  expect_named(g, "dim1")
  expect_identical(g$dim1, c(a = 3, b = 4, c = 5))
})

test_that("dim 1 is the rows, results keep dim and dimnames", {
  m <- matrix(c(1, 2, 4, 10, 20, 40), 3, 2, dimnames = list(letters[1:3], c("p", "q")))
  g <- gradient(m)
  expect_named(g, c("dim1", "dim2"))
  expect_identical(g$dim1, matrix(c(1, 1.5, 2, 10, 15, 20), 3, 2, dimnames = dimnames(m)))
  expect_identical(g$dim2, matrix(c(9, 18, 36, 9, 18, 36), 3, 2, dimnames = dimnames(m)))
})

test_that("results are named after named dims and ordered as dims", {
  a <- array(as.double(1:24), c(2, 3, 4), dimnames = list(x = NULL, NULL, z = NULL))
  g <- gradient(a, dims = c(3, 1, 2))
  expect_named(g, c("z", "x", "dim2"))
  expect_identical(g$x, array(1, c(2, 3, 4), dimnames = dimnames(a)))
  expect_identical(g$dim2, array(2, c(2, 3, 4), dimnames = dimnames(a)))
  expect_identical(g$z, array(6, c(2, 3, 4), dimnames = dimnames(a)))
  expect_identical(gradient(a, dims = 2)$dim2, g$dim2)
})

test_that("other attributes of x are not carried over, and x is unchanged", {
  x <- structure(c(1L, 4L, 9L), note = "kept on x only")
  g <- gradient(x)
  expect_identical(g$dim1, c(3, 4, 5))
  expect_identical(x, structure(c(1L, 4L, 9L), note = "kept on x only"))
})

test_that("an empty dims gives an empty list", {
  expect_identical(gradient(matrix(1, 2, 2), dims = integer(0)), setNames(list(), character(0)))
  expect_identical(gradient(1, dims = integer(0)), setNames(list(), character(0)))
})

test_that("dims that are not differentiated may have extent 0 or 1", {
  g <- gradient(matrix(0, 3, 0), dims = 1)
  expect_identical(g$dim1, matrix(0, 3, 0))
  g <- gradient(matrix(c(1, 4, 9), 3, 1), dims = 1)
  expect_identical(g$dim1, matrix(c(3, 4, 5), 3, 1))
})

test_that("integer input gives double, integer NA gives NA_real_", {
  g <- gradient(c(1L, NA, 3L, 4L, 6L))$dim1
  expect_type(g, "double")
  expect_identical(is.na(g), c(TRUE, FALSE, TRUE, FALSE, FALSE))
  expect_identical(g[c(2, 4, 5)], c(1, 1.5, 2))
  m <- matrix(1:6, 2)
  expect_identical(gradient(m), gradient(m + 0))
})

test_that("NA, NaN and Inf propagate as numpy's NaN and Inf do", {
  g <- gradient(c(1, 2, NA, 4, 5, 6))$dim1
  expect_identical(is.na(g), c(FALSE, TRUE, FALSE, TRUE, FALSE, FALSE))
  g <- gradient(c(1, NaN, 3, 4))$dim1
  expect_identical(is.nan(g), c(TRUE, FALSE, TRUE, FALSE))
  expect_identical(gradient(c(0, Inf, 0))$dim1, c(Inf, 0, -Inf))
  expect_true(all(is.na(gradient(c(1, 2, 3), NA_real_)$dim1)))
})

test_that("complex input gives complex results", {
  z <- complex(real = c(1, 2, 4), imaginary = c(0, -1, 1))
  g <- gradient(z, 0.5)$dim1
  expect_type(g, "complex")
  expect_identical(g, complex(real = c(2, 3, 4), imaginary = c(-2, 1, 4)))
})

test_that("a list spacing mixes numbers and coordinates; integers are accepted", {
  m <- outer(c(0, 1, 3), c(0, 2, 4, 6), function(r, c) r^2 + c)
  g <- gradient(m, list(c(0L, 1L, 3L), 2L))
  expect_identical(g$dim2, matrix(1, 3, 4))
  expect_identical(g$dim1[2, ], rep(2, 4))
  # list(h) is one spacing for all dims, like a single number
  expect_identical(gradient(m, list(2)), gradient(m, 2))
  # an empty list is unit spacing
  expect_identical(gradient(m, list()), gradient(m))
})

test_that("edge_order accepts whole doubles", {
  expect_identical(gradient(c(1, 4, 9, 16), edge_order = 2), gradient(c(1, 4, 9, 16), edge_order = 2L))
  expect_identical(gradient(c(1, 4, 9, 16), edge_order = 2)$dim1, c(2, 4, 6, 8))
})

test_that("long inputs give the same bits on any number of threads", {
  a <- array(sin(seq_len(300 * 260)), c(300, 260))
  one <- gradient(a, list(0.1, cumsum(1 + (seq_len(260) %% 3))), threads = 1)
  two <- gradient(a, list(0.1, cumsum(1 + (seq_len(260) %% 3))), threads = 2)
  expect_identical(one, two)
})
