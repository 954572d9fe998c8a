/* Test support: arrays in any layout, analytic fields and their exact derivatives. */
#ifndef NUMGRAD_TEST_SUPPORT_H
#define NUMGRAD_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "numgrad.h"

/* Layout flags for tarray_make. */
enum {
    T_FORTRAN = 1, /* column-major: dim 0 varies fastest */
    T_REVERSE = 2, /* every stride negated, data pointing at the last element in memory */
    T_SPREAD = 4   /* every stride doubled: a non-contiguous view of a larger buffer */
};

/* An array owning its buffer, with an ng_array descriptor pointing into it. */
typedef struct tarray {
    ng_array a;
    int64_t shape[NG_MAX_NDIM];
    int64_t strides[NG_MAX_NDIM];
    unsigned char *buffer;
    size_t bytes;
} tarray;

void tarray_make(tarray *t, int32_t dtype, int ndim, const int64_t *shape, unsigned flags);
void tarray_free(tarray *t);
int64_t tarray_size(const tarray *t);
/* Element at a multi-index: real and imaginary parts (imag is 0 for real dtypes). */
void tarray_get(const tarray *t, const int64_t *idx, double *re, double *im);
void tarray_set(tarray *t, const int64_t *idx, double re, double im);
/* Multi-index of flat position p in C order. */
void unravel(int ndim, const int64_t *shape, int64_t p, int64_t *idx);
/* Copies every element of src into dst (same shape, any layouts and dtypes). */
void tarray_copy(tarray *dst, const tarray *src);
/* True when both arrays hold bitwise identical elements (same shape and dtype). */
int tarray_same_bits(const tarray *x, const tarray *y);
/* Fills the whole buffer (padding included) with a byte pattern; checks it is intact. */
void tarray_poison(tarray *t);
int tarray_poisoned(const tarray *t);

/* Sample coordinates of one dim: uniform (i*h) or stretched (strictly increasing). */
typedef struct grid {
    int64_t n;
    int stretched;
    double h;
    double *x; /* n coordinates (owned) */
} grid;
void grid_make(grid *g, int64_t n, double h, int stretched);
void grid_free(grid *g);

/* An analytic field: sum over dims of c[d]*x_d + q[d]*x_d^2 (imag part: -0.5 times it). */
typedef struct field {
    int ndim;
    const grid *grids;
    double c[NG_MAX_NDIM], q[NG_MAX_NDIM];
} field;
double field_value(const field *f, const int64_t *idx);
double field_derivative(const field *f, int dim, const int64_t *idx);
void field_fill(const field *f, tarray *t);

/* Fails the running test unless a refused call returned `want` and ng_last_error()
 * contains `says`; `name` identifies the case in the failure message. */
void assert_refused(const char *name, int32_t status, int32_t want, const char *says);

/* Machine epsilon of a dtype's precision (float32: 2^-23, else 2^-52). */
double dtype_eps(int32_t dtype);
int dtype_is_complex(int32_t dtype);

#endif
