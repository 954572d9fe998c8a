#include "support.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define POISON 0xA5

void tarray_make(tarray *t, int32_t dtype, int ndim, const int64_t *shape, unsigned flags) {
    memset(t, 0, sizeof *t);
    const int64_t w = ng_dtype_size(dtype);
    const int64_t step = (flags & T_SPREAD) ? 2 : 1;
    int64_t count = 1;
    for (int j = 0; j < ndim; ++j)
        t->shape[j] = shape[j], count *= shape[j];
    int64_t running = step;
    for (int k = 0; k < ndim; ++k) {
        const int j = (flags & T_FORTRAN) ? k : ndim - 1 - k;
        t->strides[j] = running;
        running *= shape[j] > 0 ? shape[j] : 1;
    }
    const int64_t span = count > 0 ? running : 0; /* elements spanned */
    t->bytes = (size_t)((span > 0 ? span : 1) * w);
    t->buffer = malloc(t->bytes);
    memset(t->buffer, 0, t->bytes);
    unsigned char *data = t->buffer;
    if (flags & T_REVERSE) {
        int64_t last = 0;
        for (int j = 0; j < ndim; ++j)
            last += (shape[j] - 1) * t->strides[j], t->strides[j] = -t->strides[j];
        if (count > 0)
            data += last * w;
    }
    t->a.dtype = dtype;
    t->a.ndim = ndim;
    t->a.shape = t->shape;
    t->a.strides = t->strides;
    t->a.data = data;
}

void tarray_free(tarray *t) {
    free(t->buffer);
    t->buffer = NULL;
}

int64_t tarray_size(const tarray *t) {
    int64_t n = 1;
    for (int j = 0; j < t->a.ndim; ++j)
        n *= t->shape[j];
    return n;
}

static unsigned char *element(const tarray *t, const int64_t *idx) {
    int64_t off = 0;
    for (int j = 0; j < t->a.ndim; ++j)
        off += idx[j] * t->strides[j];
    return (unsigned char *)t->a.data + off * ng_dtype_size(t->a.dtype);
}

void tarray_get(const tarray *t, const int64_t *idx, double *re, double *im) {
    const void *p = element(t, idx);
    *im = 0;
    switch (t->a.dtype) {
    case NG_FLOAT32: *re = *(const float *)p; break;
    case NG_FLOAT64: *re = *(const double *)p; break;
    case NG_COMPLEX64: *re = ((const float *)p)[0], *im = ((const float *)p)[1]; break;
    case NG_COMPLEX128: *re = ((const double *)p)[0], *im = ((const double *)p)[1]; break;
    case NG_INT8: *re = *(const int8_t *)p; break;
    case NG_INT16: *re = *(const int16_t *)p; break;
    case NG_INT32: *re = *(const int32_t *)p; break;
    case NG_INT64: *re = (double)*(const int64_t *)p; break;
    case NG_UINT8: *re = *(const uint8_t *)p; break;
    case NG_UINT16: *re = *(const uint16_t *)p; break;
    case NG_UINT32: *re = *(const uint32_t *)p; break;
    case NG_UINT64: *re = (double)*(const uint64_t *)p; break;
    default: abort();
    }
}

void tarray_set(tarray *t, const int64_t *idx, double re, double im) {
    void *p = element(t, idx);
    switch (t->a.dtype) {
    case NG_FLOAT32: *(float *)p = (float)re; break;
    case NG_FLOAT64: *(double *)p = re; break;
    case NG_COMPLEX64: ((float *)p)[0] = (float)re, ((float *)p)[1] = (float)im; break;
    case NG_COMPLEX128: ((double *)p)[0] = re, ((double *)p)[1] = im; break;
    case NG_INT8: *(int8_t *)p = (int8_t)re; break;
    case NG_INT16: *(int16_t *)p = (int16_t)re; break;
    case NG_INT32: *(int32_t *)p = (int32_t)re; break;
    case NG_INT64: *(int64_t *)p = (int64_t)re; break;
    case NG_UINT8: *(uint8_t *)p = (uint8_t)re; break;
    case NG_UINT16: *(uint16_t *)p = (uint16_t)re; break;
    case NG_UINT32: *(uint32_t *)p = (uint32_t)re; break;
    case NG_UINT64: *(uint64_t *)p = (uint64_t)re; break;
    default: abort();
    }
}

void unravel(int ndim, const int64_t *shape, int64_t p, int64_t *idx) {
    for (int j = ndim - 1; j >= 0; --j)
        idx[j] = p % shape[j], p /= shape[j];
}

void tarray_copy(tarray *dst, const tarray *src) {
    int64_t idx[NG_MAX_NDIM];
    const int64_t n = tarray_size(src);
    for (int64_t p = 0; p < n; ++p) {
        double re, im;
        unravel(src->a.ndim, src->shape, p, idx);
        tarray_get(src, idx, &re, &im);
        tarray_set(dst, idx, re, im);
    }
}

int tarray_same_bits(const tarray *x, const tarray *y) {
    int64_t idx[NG_MAX_NDIM];
    const int64_t n = tarray_size(x), w = ng_dtype_size(x->a.dtype);
    if (x->a.dtype != y->a.dtype)
        return 0;
    for (int64_t p = 0; p < n; ++p) {
        unravel(x->a.ndim, x->shape, p, idx);
        if (memcmp(element(x, idx), element(y, idx), (size_t)w) != 0)
            return 0;
    }
    return 1;
}

void tarray_poison(tarray *t) { memset(t->buffer, POISON, t->bytes); }

int tarray_poisoned(const tarray *t) {
    for (size_t i = 0; i < t->bytes; ++i)
        if (t->buffer[i] != POISON)
            return 0;
    return 1;
}

void grid_make(grid *g, int64_t n, double h, int stretched) {
    g->n = n;
    g->h = h;
    g->stretched = stretched;
    g->x = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) /* steps between h/2 and 3h/2: strictly increasing */
        g->x[i] = 0.5 + (double)i * h + (stretched ? 0.25 * h * sin(1.7 * (double)i) : 0.0);
}

void grid_free(grid *g) { free(g->x); }

double field_value(const field *f, const int64_t *idx) {
    double v = 0;
    for (int d = 0; d < f->ndim; ++d) {
        const double x = f->grids[d].x[idx[d]];
        v += f->c[d] * x + f->q[d] * x * x;
    }
    return v;
}

double field_derivative(const field *f, int dim, const int64_t *idx) {
    return f->c[dim] + 2.0 * f->q[dim] * f->grids[dim].x[idx[dim]];
}

void field_fill(const field *f, tarray *t) {
    int64_t idx[NG_MAX_NDIM];
    const int64_t n = tarray_size(t);
    for (int64_t p = 0; p < n; ++p) {
        unravel(t->a.ndim, t->shape, p, idx);
        const double v = field_value(f, idx);
        tarray_set(t, idx, v, -0.5 * v);
    }
}

double dtype_eps(int32_t dtype) {
    return (dtype == NG_FLOAT32 || dtype == NG_COMPLEX64) ? 0x1p-23 : 0x1p-52;
}

int dtype_is_complex(int32_t dtype) { return dtype == NG_COMPLEX64 || dtype == NG_COMPLEX128; }

void assert_refused(const char *name, int32_t status, int32_t want, const char *says) {
    const char *message = ng_last_error();
    if (status != want)
        fail_msg("%s: status %s, want %s (%s)", name, ng_status_string(status),
                 ng_status_string(want), message);
    if (!strstr(message, says))
        fail_msg("%s: message \"%s\" does not say \"%s\"", name, message, says);
}
