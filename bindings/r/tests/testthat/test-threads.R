# numgrad_threads(): reading, setting, the environment and R CMD check's limit.

with_env <- function(vars, code) {
  old <- Sys.getenv(names(vars), unset = NA, names = TRUE)
  on.exit({
    for (v in names(old)) {
      if (is.na(old[[v]])) Sys.unsetenv(v) else do.call(Sys.setenv, as.list(old[v]))
    }
    numgrad_threads(0)
  })
  do.call(Sys.setenv, as.list(vars))
  force(code)
}

test_that("the count is read, set and restored", {
  n <- numgrad_threads()
  expect_true(is.integer(n) && length(n) == 1L && n >= 1L)
  expect_invisible(numgrad_threads(1))
  expect_identical(numgrad_threads(), 1L)
  expect_identical(numgrad_threads(n), 1L)
  expect_identical(numgrad_threads(), n)
})

test_that("OMP_THREAD_LIMIT limits the default and any count set", {
  with_env(c(OMP_THREAD_LIMIT = "1"), {
    numgrad_threads(0)
    expect_identical(numgrad_threads(), 1L)
    numgrad_threads(8)
    expect_identical(numgrad_threads(), 1L)
  })
})

test_that("OMP_NUM_THREADS limits the default", {
  with_env(c(OMP_NUM_THREADS = "1,1"), {
    numgrad_threads(0)
    expect_identical(numgrad_threads(), 1L)
  })
})

test_that("never more than 2 threads under R CMD check", {
  with_env(c(`_R_CHECK_LIMIT_CORES_` = "TRUE", OMP_THREAD_LIMIT = "", OMP_NUM_THREADS = ""), {
    numgrad_threads(0)
    expect_lte(numgrad_threads(), 2L)
    numgrad_threads(64)
    expect_lte(numgrad_threads(), 2L)
  })
})

test_that("without OpenMP the count is 1", {
  if (attr(numgrad_version(), "openmp")) {
    expect_gte(numgrad_threads(), 1L)
  } else {
    expect_identical(numgrad_threads(), 1L)
  }
})

test_that("forked children compute on one thread and agree", {
  skip_on_os("windows")
  a <- array(cos(seq_len(400 * 200)), c(400, 200))
  want <- gradient(a)
  got <- parallel::mclapply(1:2, function(i) gradient(a), mc.cores = 2L)
  expect_identical(got[[1]], want)
  expect_identical(got[[2]], want)
})

test_that("the version is the library's", {
  v <- numgrad_version()
  expect_match(v, "^[0-9]+\\.[0-9]+\\.[0-9]+$")
  expect_identical(as.character(packageVersion("numgrad")), as.vector(v))
})
