# Every way gradient() and numgrad_threads() refuse their arguments: R errors of class
# "numgrad_error", with the library's status when the library found the problem.

expect_ng_error <- function(expr, message, status = NA_character_) {
  e <- tryCatch(expr, error = identity)
  expect_s3_class(e, "numgrad_error")
  expect_match(conditionMessage(e), message)
  expect_identical(e$status, status)
}

m <- matrix(1:8, 2)

test_that("x must be numeric, integer or complex", {
  expect_ng_error(gradient(c(TRUE, FALSE, TRUE)), "not logical")
  expect_ng_error(gradient(c("a", "b", "c")), "not character")
  expect_ng_error(gradient(factor(1:3)), "not factor")
  expect_ng_error(gradient(data.frame(a = 1:3)), "not data.frame")
  expect_ng_error(gradient(list(1, 2, 3)), "not list")
  expect_ng_error(gradient(NULL), "not NULL")
  expect_ng_error(gradient(as.raw(1:3)), "not raw")
})

test_that("dims are whole numbers in 1..ndim, each named once", {
  expect_ng_error(gradient(m, dims = 1.5), "whole numbers")
  expect_ng_error(gradient(m, dims = NA), "whole numbers")
  expect_ng_error(gradient(m, dims = "1"), "whole numbers")
  expect_ng_error(gradient(m, dims = 0), "0 is outside 1..2 for an array with 2 dims")
  expect_ng_error(gradient(m, dims = -1), "-1 is outside 1..2")
  expect_ng_error(gradient(m, dims = 3), "3 is outside 1..2")
  expect_ng_error(gradient(1:3, dims = 2), "2 is outside 1..1 for a vector with 1 dim")
  expect_ng_error(gradient(m, dims = c(2, 1, 2)), "dim 2 is named twice")
})

test_that("spacing is numbers or coordinates", {
  expect_ng_error(gradient(1:3, "1"), "spacing must be a number .* not character")
  expect_ng_error(gradient(1:3, TRUE), "not logical")
  expect_ng_error(gradient(1:3, 1i), "not complex")
  expect_ng_error(gradient(1:3, numeric(0)), "spacing is empty")
  expect_ng_error(gradient(m, list(1, "a")), "spacing\\[\\[2\\]\\] must be a number")
  expect_ng_error(gradient(m, list(1, NULL)), "spacing\\[\\[2\\]\\] must be a number .* not NULL")
  expect_ng_error(gradient(m, list(1, numeric(0))), "spacing\\[\\[2\\]\\] is empty")
  expect_ng_error(gradient(1:3, Sys.Date()), "not Date")
})

test_that("the library's spacing errors, in R's terms", {
  expect_ng_error(gradient(m, c(1, 2, 3)),
                  "length\\(spacing\\) is 3 but 2 dims are differentiated",
                  "NG_ERR_SPACING_COUNT")
  expect_ng_error(gradient(m, list(1, 2, 3)), "length\\(spacing\\) is 3", "NG_ERR_SPACING_COUNT")
  expect_ng_error(gradient(m, list(c(0, 1))),
                  "spacing\\[\\[1\\]\\] holds coordinates, which belong to one dim, but 2 dims",
                  "NG_ERR_SPACING_COUNT")
  expect_ng_error(gradient(1:4, list(c(0, 1, 2))),
                  "spacing\\[\\[1\\]\\] has 3 coordinates but dim 1 has 4 samples",
                  "NG_ERR_COORD_LENGTH")
  expect_ng_error(gradient(m, list(1, c(0, 1, 2))),
                  "spacing\\[\\[2\\]\\] has 3 coordinates but dim 2 has 4 samples",
                  "NG_ERR_COORD_LENGTH")
  expect_ng_error(gradient(1:4, c(0, 1, 2)), "has 3 coordinates but dim 1 has 4 samples",
                  "NG_ERR_COORD_LENGTH")
})

test_that("edge_order is 1 or 2", {
  expect_ng_error(gradient(1:4, edge_order = 1.5), "edge_order must be 1 or 2")
  expect_ng_error(gradient(1:4, edge_order = NA), "edge_order must be 1 or 2")
  expect_ng_error(gradient(1:4, edge_order = "2"), "edge_order must be 1 or 2")
  expect_ng_error(gradient(1:4, edge_order = c(1, 2)), "edge_order must be 1 or 2")
  expect_ng_error(gradient(1:4, edge_order = 3), "edge_order is 3; it must be 1 or 2",
                  "NG_ERR_EDGE_ORDER")
  expect_ng_error(gradient(1:4, edge_order = 0), "edge_order is 0", "NG_ERR_EDGE_ORDER")
  expect_ng_error(gradient(1:4, edge_order = -1), "edge_order is -1", "NG_ERR_EDGE_ORDER")
  expect_ng_error(gradient(1:4, edge_order = 1e10), "edge_order must be 1 or 2")
})

test_that("a differentiated dim needs edge_order + 1 samples", {
  expect_ng_error(gradient(5), "dim 1 has 1 samples; edge_order 1 needs at least 2",
                  "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(numeric(0)), "dim 1 has 0 samples", "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(c(1, 2), edge_order = 2),
                  "dim 1 has 2 samples; edge_order 2 needs at least 3", "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(matrix(0, 3, 1)), "dim 2 has 1 samples", "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(matrix(0, 3, 0), dims = 2), "dim 2 has 0 samples",
                  "NG_ERR_TOO_FEW_POINTS")
})

test_that("at most 32 dims", {
  expect_ng_error(gradient(array(1, rep(1, 33)), dims = integer(0)), "ndim is 33, outside 0..32",
                  "NG_ERR_NDIM")
})

test_that("threads is NULL or a whole number >= 1", {
  expect_ng_error(gradient(1:4, threads = 0), "threads must be NULL or one whole number >= 1")
  expect_ng_error(gradient(1:4, threads = -2), "threads must be NULL")
  expect_ng_error(gradient(1:4, threads = 1.5), "threads must be NULL")
  expect_ng_error(gradient(1:4, threads = "2"), "threads must be NULL")
  expect_ng_error(gradient(1:4, threads = c(1, 2)), "threads must be NULL")
  expect_ng_error(gradient(1:4, threads = NA), "threads must be NULL")
})

test_that("numgrad_threads takes NULL, 0 or a whole number >= 1", {
  expect_ng_error(numgrad_threads(-1), "threads must be NULL, 0")
  expect_ng_error(numgrad_threads(1.5), "threads must be NULL, 0")
  expect_ng_error(numgrad_threads("a"), "threads must be NULL, 0")
  expect_ng_error(numgrad_threads(c(1, 2)), "threads must be NULL, 0")
  expect_ng_error(numgrad_threads(NA), "threads must be NULL, 0")
})

test_that("errors carry the call and print as R errors", {
  e <- tryCatch(gradient(5), error = identity)
  expect_identical(conditionCall(e), quote(gradient(5)))
  expect_error(gradient(5), "needs at least 2", class = "numgrad_error")
})
