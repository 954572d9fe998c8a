library(testthat)
library(numgrad)

test_check("numgrad")
