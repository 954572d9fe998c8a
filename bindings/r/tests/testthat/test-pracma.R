# Agreement with pracma::gradient where the two mean the same thing: the interior points
# of uniform grids (pracma's edges and non-uniform formulas differ from numpy's).

test_that("vectors: interior points agree with pracma::gradient", {
  skip_if_not_installed("pracma")
  f <- c(1, 3, 2, 8, 5, 5, 9, 0.5)
  n <- length(f)
  for (h in c(1, 0.1, 2.5)) {
    ours <- gradient(f, h)$dim1
    theirs <- pracma::gradient(f, h1 = h)
    expect_equal(ours[2:(n - 1)], theirs[2:(n - 1)], tolerance = 1e-12)
    # pracma also accepts the grid's coordinates
    coords <- seq(0, by = h, length.out = n)
    expect_equal(gradient(f, list(coords))$dim1[2:(n - 1)],
                 pracma::gradient(f, h1 = coords)[2:(n - 1)], tolerance = 1e-12)
  }
})

test_that("matrices: pracma's X is dim 2 (columns), its Y is dim 1 (rows)", {
  skip_if_not_installed("pracma")
  m <- outer(1:6, 1:5, function(i, j) sin(i) * j^2 + i * j)
  hx <- 0.5  # spacing along the columns (dim 2)
  hy <- 2    # spacing along the rows (dim 1)
  theirs <- pracma::gradient(m, h1 = hx, h2 = hy)
  ours <- gradient(m, c(hy, hx))
  expect_equal(ours$dim2[, 2:4], theirs$X[, 2:4], tolerance = 1e-12)
  expect_equal(ours$dim1[2:5, ], theirs$Y[2:5, ], tolerance = 1e-12)
})

test_that("the new options at their defaults, and periodic interiors, agree with pracma", {
  skip_if_not_installed("pracma")
  m <- outer(1:6, 1:5, function(i, j) cos(i) * j^2 - i * j)
  theirs <- pracma::gradient(m, h1 = 0.5, h2 = 2)
  ours <- gradient(m, c(2, 0.5), boundary = "edge", accuracy = 2, strict = TRUE)
  expect_identical(ours, gradient(m, c(2, 0.5)))
  expect_equal(ours$dim2[, 2:4], theirs$X[, 2:4], tolerance = 1e-12)
  expect_equal(ours$dim1[2:5, ], theirs$Y[2:5, ], tolerance = 1e-12)
  # periodic changes the boundary samples only
  per <- gradient(m, c(2, 0.5), boundary = "periodic")
  expect_equal(per$dim2[, 2:4], theirs$X[, 2:4], tolerance = 1e-12)
  expect_equal(per$dim1[2:5, ], theirs$Y[2:5, ], tolerance = 1e-12)
  # halo results are pracma's interior
  halo <- gradient(m, c(2, 0.5), boundary = "halo")
  expect_equal(halo$dim2, theirs$X[2:5, 2:4], tolerance = 1e-12)
  expect_equal(halo$dim1, theirs$Y[2:5, 2:4], tolerance = 1e-12)
})
