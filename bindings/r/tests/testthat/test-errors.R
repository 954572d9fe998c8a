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

test_that("boundary is modes by name, for all dims, per dim or per side", {
  expect_ng_error(gradient(m, boundary = "wrap"),
                  'boundary is "wrap"; it must be "edge", "periodic" or "halo"')
  expect_ng_error(gradient(m, boundary = c("edge", "Halo")), 'boundary\\[2\\] is "Halo"')
  expect_ng_error(gradient(m, boundary = list("edge", c("halo", "wrap"))),
                  'boundary\\[\\[2\\]\\]\\["upper"\\] is "wrap"')
  expect_ng_error(gradient(m, boundary = c(upper = "edge", lower = "cyclic")),
                  'boundary\\["lower"\\] is "cyclic"')
  expect_ng_error(gradient(m, boundary = c("edge", "halo", "edge")),
                  "boundary has 3 entries but 2 dims are differentiated")
  expect_ng_error(gradient(1:5, boundary = c("halo", "edge")),
                  "boundary has 2 entries but 1 dim is differentiated")
  expect_ng_error(gradient(m, boundary = list()), "boundary has 0 entries")
  expect_ng_error(gradient(m, boundary = c(lower = "halo")),
                  "boundary gives only its lower side: write c\\(lower = , upper = \\)")
  expect_ng_error(gradient(m, boundary = c(lower = "halo", up = "edge")),
                  "a pair is named c\\(lower = , upper = \\), not c\\(lower = , up = \\)")
  expect_ng_error(gradient(m, boundary = 1), "boundary must be .* pair of them, not double")
  expect_ng_error(gradient(m, boundary = NA), "not logical")
  expect_ng_error(gradient(m, boundary = NA_character_), "not NA")
  expect_ng_error(gradient(m, boundary = character(0)), "not empty")
  expect_ng_error(gradient(m, boundary = factor("edge")), "not factor")
  expect_ng_error(gradient(m, boundary = list("edge", NULL)), "boundary\\[\\[2\\]\\] must be .* not NULL")
  expect_ng_error(gradient(m, boundary = list("edge", c("halo", "edge", "edge"))),
                  "not a character vector of length 3")
})

test_that("the library's boundary errors, in R's terms", {
  expect_ng_error(gradient(m, boundary = c(lower = "periodic", upper = "halo")),
                  "the boundary of dim 1 is periodic on one side only", "NG_ERR_BOUNDARY")
  expect_ng_error(gradient(m, dims = 2:1, boundary = list("edge", c("edge", "periodic"))),
                  "the boundary of dim 1 is periodic on one side only", "NG_ERR_BOUNDARY")
  expect_ng_error(gradient(1:5, c(0, 1, 2, 4, 8), boundary = "periodic"),
                  paste0("the boundary of dim 1 is periodic over coordinates but has no period: ",
                         "give period, so that x\\[n\\+1\\] = x\\[1\\] \\+ period"),
                  "NG_ERR_BOUNDARY")
  expect_ng_error(gradient(m, list(1, c(0, 1, 2, 4)), boundary = "periodic", period = c(5, NA)),
                  "the period of dim 1 is 5, but only periodic coordinates take a period",
                  "NG_ERR_BOUNDARY")
  expect_ng_error(gradient(m, list(1, c(0, 1, 2, 4)), boundary = "periodic", period = c(NA, NA)),
                  "the boundary of dim 2 is periodic over coordinates but has no period",
                  "NG_ERR_BOUNDARY")
  expect_ng_error(gradient(1:5, 0.5, boundary = "periodic", period = 2.5),
                  "the period of dim 1 is 2.5, but only periodic coordinates take a period",
                  "NG_ERR_BOUNDARY")
})

test_that("period is NULL, one number, or one per dim with NA for none", {
  expect_ng_error(gradient(m, boundary = "periodic", period = 4),
                  "period is given but no dim is periodic over coordinates")
  expect_ng_error(gradient(m, list(1, c(0, 1, 2, 4)), boundary = "periodic", period = c(5, 6, 7)),
                  "period has 3 entries but 2 dims are differentiated")
  expect_ng_error(gradient(1:4, c(0, 1, 2, 4), boundary = "periodic", period = 0),
                  "period must not be 0")
  expect_ng_error(gradient(1:4, boundary = "periodic", period = "5"),
                  "period must be NULL or numbers \\(NA for none\\), not character")
  expect_ng_error(gradient(1:4, boundary = "periodic", period = numeric(0)), "not empty")
  expect_ng_error(gradient(1:4, boundary = "periodic", period = TRUE), "not logical")
  expect_ng_error(gradient(1:4, boundary = "periodic", period = as.difftime(5, units = "secs")),
                  "not difftime")
})

test_that("accuracy is 2, 4, 6 or 8, and needs accuracy + 1 samples", {
  expect_ng_error(gradient(1:9, accuracy = 3), "accuracy is 3; it must be 2, 4, 6 or 8",
                  "NG_ERR_ACCURACY")
  expect_ng_error(gradient(1:9, accuracy = 10), "accuracy is 10", "NG_ERR_ACCURACY")
  expect_ng_error(gradient(1:9, accuracy = -2), "accuracy is -2", "NG_ERR_ACCURACY")
  expect_ng_error(gradient(1:9, accuracy = 0), "accuracy is 0; it must be 2, 4, 6 or 8",
                  "NG_ERR_ACCURACY")
  expect_ng_error(gradient(1:9, accuracy = 4.5), "accuracy must be 2, 4, 6 or 8")
  expect_ng_error(gradient(1:9, accuracy = NA), "accuracy must be 2, 4, 6 or 8")
  expect_ng_error(gradient(1:9, accuracy = "4"), "accuracy must be 2, 4, 6 or 8")
  expect_ng_error(gradient(1:9, accuracy = c(2, 4)), "accuracy must be 2, 4, 6 or 8")
  expect_ng_error(gradient(1:9, accuracy = 1e10), "accuracy must be 2, 4, 6 or 8")
  expect_ng_error(gradient(1:6, accuracy = 6),
                  "dim 1 has 6 samples; accuracy 6 with its boundaries needs at least 7",
                  "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(matrix(0, 9, 4), accuracy = 4), "dim 2 has 4 samples; accuracy 4",
                  "NG_ERR_TOO_FEW_POINTS")
  # periodic and halo dims need accuracy + 1 samples too, also at accuracy 2
  expect_ng_error(gradient(c(1, 2), boundary = "periodic"),
                  "dim 1 has 2 samples; accuracy 2 with its boundaries needs at least 3",
                  "NG_ERR_TOO_FEW_POINTS")
  expect_ng_error(gradient(1:4, boundary = "halo", accuracy = 4), "dim 1 has 4 samples",
                  "NG_ERR_TOO_FEW_POINTS")
})

test_that("strict is TRUE or FALSE", {
  expect_ng_error(gradient(1:4, strict = NA), "strict must be TRUE or FALSE")
  expect_ng_error(gradient(1:4, strict = 1), "strict must be TRUE or FALSE")
  expect_ng_error(gradient(1:4, strict = c(TRUE, TRUE)), "strict must be TRUE or FALSE")
  expect_ng_error(gradient(1:4, strict = "yes"), "strict must be TRUE or FALSE")
})

test_that("strict refuses bad coordinates, spacings and periods", {
  f <- c(1, 4, 2, 8, 5, 7)
  expect_ng_error(gradient(f, c(0, 1, 1, 2, 3, 4), strict = TRUE),
                  paste0("the coordinates in spacing\\[\\[1\\]\\] are not strictly monotonic: ",
                         "x\\[2\\] = 1, x\\[3\\] = 1"), "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, c(0, 1, 2, 1.5, 4, 5), strict = TRUE),
                  "x\\[3\\] = 2, x\\[4\\] = 1.5", "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, c(0, 1, NA, 3, 4, 5), strict = TRUE),
                  "spacing\\[\\[1\\]\\]\\[3\\] is NaN; strict mode needs finite coordinates",
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, c(0, 1, 2, 3, 4, Inf), strict = TRUE),
                  "spacing\\[\\[1\\]\\]\\[6\\] is Inf", "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, 0, strict = TRUE),
                  "spacing\\[\\[1\\]\\] is 0; strict mode needs a finite, nonzero spacing",
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, -Inf, strict = TRUE), "spacing\\[\\[1\\]\\] is -Inf",
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, NA_real_, strict = TRUE), "spacing\\[\\[1\\]\\] is NaN",
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(matrix(0, 3, 4), list(1, c(0, 2, 1, 3)), strict = TRUE),
                  "the coordinates in spacing\\[\\[2\\]\\] are not strictly monotonic",
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, 0:5, boundary = "periodic", period = -1, strict = TRUE),
                  paste0("the period of dim 1 is -1: x\\[1\\] \\+ period = -1 does not continue ",
                         "the coordinates strictly monotonically after x\\[n\\] = 5"),
                  "NG_ERR_COORDINATES")
  expect_ng_error(gradient(f, 0:5, boundary = "periodic", period = 5, strict = TRUE),
                  "the period of dim 1 is 5", "NG_ERR_COORDINATES")
  # Not strict: numpy's silent inf and nan
  expect_true(anyNA(gradient(f, c(0, 1, 1, 2, 3, 4))$dim1))
  expect_true(all(is.infinite(gradient(f, 0)$dim1)))
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
