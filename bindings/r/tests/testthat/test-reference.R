# The reference values of SEMANTICS.md, and numpy.gradient's own bits.

t2 <- rbind(c(1, 2, 4, 8), c(10, 20, 40, 80))

test_that("coordinates: x = [-2, -1, 1, 4], f = [4, 1, 1, 16]", {
  g <- gradient(c(4, 1, 1, 16), list(c(-2, -1, 1, 4)))
  expect_equal(g, list(dim1 = c(-3, -2, 2, 5)))
  # numpy's bits: -2/3*4 + 0.5*1 + 1/6*1 rounds to -1.9999999999999998 (numpy prints -2.)
  expect_identical(g, list(dim1 = c(-3, -0x1.fffffffffffffp+0, 2, 5)))
  # A numeric vector is coordinates when one dim is differentiated
  expect_identical(gradient(c(4, 1, 1, 16), c(-2, -1, 1, 4)), g)
})

test_that("unit spacing on a 2 x 4 matrix", {
  g <- gradient(t2)
  expect_identical(g$dim1, rbind(c(9, 18, 36, 72), c(9, 18, 36, 72)))
  expect_identical(g$dim2, rbind(c(1, 1.5, 3, 4), c(10, 15, 30, 40)))
})

test_that("spacing 2.0 for every dim", {
  g <- gradient(t2, 2)
  expect_identical(g$dim1, rbind(c(4.5, 9, 18, 36), c(4.5, 9, 18, 36)))
  expect_identical(g$dim2, rbind(c(0.5, 0.75, 1.5, 2), c(5, 7.5, 15, 20)))
})

test_that("one spacing per dim: spacing[i] belongs to dims[i]", {
  g <- gradient(t2, c(3, 2))
  expect_identical(g$dim1, rbind(c(3, 6, 12, 24), c(3, 6, 12, 24)))
  expect_identical(g$dim2, rbind(c(0.5, 0.75, 1.5, 2), c(5, 7.5, 15, 20)))
  expect_identical(gradient(t2, list(3, 2)), g)
  # reversed dims take the spacings in their own order
  r <- gradient(t2, c(2, 3), dims = c(2, 1))
  expect_identical(names(r), c("dim2", "dim1"))
  expect_identical(r$dim2, g$dim2)
  expect_identical(r$dim1, g$dim1)
})

test_that("coordinates per dim", {
  g <- gradient(t2, list(c(0, 2), c(0, 3, 6, 9)))
  expect_identical(g$dim1, rbind(c(4.5, 9, 18, 36), c(4.5, 9, 18, 36)))
  expect_equal(g$dim2, rbind(c(1 / 3, 0.5, 1, 4 / 3), c(10 / 3, 5, 10, 40 / 3)))
  # coordinates mixed with a number
  expect_identical(gradient(t2, list(2, c(0, 3, 6, 9)))$dim1, g$dim1)
})

test_that("y = [0, 0.25, 1, 2.25] with spacing 0.5", {
  expect_identical(gradient(c(0, 0.25, 1, 2.25), 0.5), list(dim1 = c(0.5, 1, 2, 2.5)))
})

test_that("non-uniform coordinates, edge_order 1 and 2", {
  x <- c(0, 1, 1.5, 3.5, 4, 6)
  f <- c(1, 2, 4, 7, 11, 16)
  expect_equal(gradient(f, list(x))$dim1, c(1, 3, 3.5, 6.7, 6.9, 2.5))
  expect_equal(gradient(f, list(x), edge_order = 2)$dim1, c(-1, 3, 3.5, 6.7, 6.9, -1.9))
})

test_that("degenerate coordinates give numpy's inf and nan, not errors", {
  expect_identical(gradient(c(1, 2, 3, 4), list(c(0, 1, 1, 2)))$dim1, c(1, NaN, NaN, 1))
})

test_that("bit for bit numpy.gradient (values printed by numpy 1.24)", {
  f <- c(0x0.0p+0, 0x1.735175b541f8ap-2, 0x1.014d2988c793dp+0, 0x1.0f5459dcf22eap+0,
         0x1.155a66e04dc6dp-1, 0x1.33a68e05f4eafp+0, 0x1.1cc2377b0529fp+3)
  x <- c(0.0, 0.1, 0.35, 0.4, 0.9, 1.3, 2.0)
  expect_identical(gradient(f, list(x))$dim1,
    c(0x1.d025d3229276cp+1, 0x1.a9849dbaacaa6p+1, 0x1.577302e26acc0p+0, 0x1.cddfe6b5c3574p-1,
      0x1.d316fcd9deac4p-2, 0x1.431aa711e4ccdp+2, 0x1.5fdc482eaded6p+3))
  expect_identical(gradient(f, list(x), edge_order = 2)$dim1,
    c(0x1.f6c7088a78433p+1, 0x1.a9849dbaacaa6p+1, 0x1.577302e26acc0p+0, 0x1.cddfe6b5c3574p-1,
      0x1.d316fcd9deac4p-2, 0x1.431aa711e4ccdp+2, 0x1.0f159e6a34ba3p+4))
  expect_identical(gradient(f, 0.1)$dim1,
    c(0x1.d025d3229276cp+1, 0x1.41a073eaf978cp+2, 0x1.be3ff71714392p+1, -0x1.288fe73d91b90p+1,
      0x1.6b36099a1b5b2p-1, 0x1.4e47b5504060ep+5, 0x1.33e0bf28d82fbp+6))
  expect_identical(gradient(f, 0.1, edge_order = 2)$dim1,
    c(0x1.1d0abe6f31fc0p+1, 0x1.41a073eaf978cp+2, 0x1.be3ff71714392p+1, -0x1.288fe73d91b90p+1,
      0x1.6b36099a1b5b2p-1, 0x1.4e47b5504060ep+5, 0x1.c09da3a9902f0p+6))
  # numpy.linspace(0, 1, 7): not exactly uniform, so the coordinate formulas apply
  xl <- c(0x0.0p+0, 0x1.5555555555555p-3, 0x1.5555555555555p-2, 0x1.0000000000000p-1,
          0x1.5555555555555p-1, 0x1.aaaaaaaaaaaaap-1, 0x1.0000000000000p+0)
  expect_identical(gradient(f, list(xl), edge_order = 2)$dim1,
    c(0x1.560ce4856f2e8p+0, 0x1.81f3be4d2b5dcp+1, 0x1.0bbffaa77288cp+1, -0x1.63dfe249e2115p+0,
      0x1.b3da71ec20d40p-2, 0x1.9122d99380740p+4, 0x1.0d2b623289b5bp+6))
})

test_that("bit for bit numpy.gradient on a complex matrix", {
  zre <- c(0x0.0p+0, 0x1.0000000000000p+3, 0x1.6a09e667f3bcdp+4, 0x1.0000000000000p+0,
           0x1.65c55827df1d1p+3, 0x1.b000000000000p+4, 0x1.6a09e667f3bcdp+1,
           0x1.d64d51e0db1c5p+3, 0x1.f9f6e4990f228p+4, 0x1.4c8dc2e423980p+2,
           0x1.2852fb49899ccp+4, 0x1.23dcec5be3c73p+5)
  zim <- c(0x1.0000000000000p+0, -0x1.4eaa606db24c1p-1, -0x1.29fbebf632f94p-3,
           0x1.14a280fb5068bp-1, 0x1.22785706b4adap-2, -0x1.d27faa6a6196ap-1,
           -0x1.aa22657537205p-2, 0x1.eb9b7097822f6p-1, -0x1.ad9ac890c6b1fp-1,
           -0x1.fae04be85e5d2p-1, 0x1.81ff79ed92018p-1, 0x1.220ae41ee2fe0p-8)
  z <- matrix(complex(real = zre, imaginary = zim), 3, 4)
  g <- gradient(z, list(0.3, c(0, 0.5, 1.7, 2.0)), edge_order = 2)
  g0re <- c(0x1.f3defffad38acp+3, 0x1.2db2eaabf5c80p+5, 0x1.de6e155936ad5p+5,
            0x1.8891d084e7b64p+4, 0x1.5aaaaaaaaaaabp+5, 0x1.f10c6d12e17a4p+5,
            0x1.f2200e981e244p+4, 0x1.7fecb67f63391p+5, 0x1.0364b2d95bb00p+6,
            0x1.257677380e2a4p+5, 0x1.a1280154498c5p+5, 0x1.0e6cc5b842773p+6)
  g0im <- c(-0x1.23af18b34ba13p+3, -0x1.e8bf267df5494p+0, 0x1.52fe9e279c9ddp+2,
            0x1.6a8eb9346add2p-1, -0x1.35a392150a2a6p+1, -0x1.62f5693b97860p+2,
            0x1.3c2b98fddb8e0p+3, -0x1.68e54f0f9d385p-1, -0x1.694842dfcf350p+3,
            0x1.3efec84169391p+3, 0x1.a848fc132cc7fp+0, -0x1.a9d912793c0e4p+2)
  g1re <- c(0x1.11ee83c36260dp+1, 0x1.d7a6d06eb2146p+2, 0x1.45e54ba4e7be6p+3,
            0x1.dc22f8793b3e7p+0, 0x1.5683f0d046d44p+2, 0x1.d3970236f4b65p+2,
            0x1.a798525e6e3e8p+2, 0x1.59030b7a14f84p+3, 0x1.b7620cd6dca00p+3,
            0x1.255135c6a94b4p+3, 0x1.d6a13e7f611f4p+3, 0x1.2ab7ffb6b47f0p+4)
  g1im <- c(-0x1.e927d3ec16ac9p-1, 0x1.214cd46f71a81p+1, -0x1.ffd1a45872fa3p+0,
            -0x1.c44e2826a7b0cp-1, 0x1.7d336f0335f5bp+0, -0x1.102fba8136b66p+0,
            -0x1.b08dc5e18210ap+0, -0x1.bfcab72e49020p-2, 0x1.217372f9bec42p+1,
            -0x1.11679c5b83a29p+1, -0x1.e02a662b1cb08p-1, 0x1.ae5554eff3590p+1)
  expect_identical(g$dim1, matrix(complex(real = g0re, imaginary = g0im), 3, 4))
  expect_identical(g$dim2, matrix(complex(real = g1re, imaginary = g1im), 3, 4))
})

test_that("integers are converted before subtracting (no overflow)", {
  big <- .Machine$integer.max
  expect_identical(gradient(c(-big, big, -big))$dim1, c(2 * big, 0, -2 * big))
  expect_identical(gradient(5:1)$dim1, rep(-1, 5))
  expect_type(gradient(1:3)$dim1, "double")
})
