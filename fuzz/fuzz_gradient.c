/* libFuzzer harness for ng_gradient.
 *
 * Decodes the fuzzer's bytes into a whole call: an input descriptor (ndim 0-8, rarely
 * 9-32 or invalid; zero, huge and negative extents; NULL, permuted, negative, zero,
 * random and int64-overflowing strides; NULL, wrapping or real data pointers), options
 * (NULL or any struct_size, dims in any order with repeats and out-of-range values,
 * none, one or per-dim spacing of every kind with h and coordinates that hold NaN, inf,
 * duplicates, reversals or exact uniform steps; edge orders valid and not; threads),
 * and outputs (right or wrong count, dtype, ndim, shape; own buffers, or placed inside
 * the input's or another output's buffer, aliased, NULL).
 *
 * Every buffer is allocated to exactly the bytes its descriptor spans, so whenever a
 * call is VALID every access the library is entitled to make lands inside a buffer, and
 * AddressSanitizer reports any access outside. Descriptors that reach outside their
 * buffers are only ever built in ways that make the call invalid (a byte offset beyond
 * int64, an address-space wrap, a NULL pointer): the library must refuse those.
 *
 * Invariants checked on every call (a violation aborts with a message):
 *  - the status is a known ng_status; ng_last_error() is never NULL;
 *  - on error: the message is non-empty, and no byte of any buffer (input, outputs,
 *    coordinates, dims, spacing, options) changed;
 *  - on success: the message is empty, the call was not one the harness built to be
 *    invalid, no output element shares a byte with the input, another output or
 *    itself, nothing but output elements changed, and (for real dtypes) every result
 *    equals, bit for bit, a naive evaluation of SEMANTICS.md's formulas.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined (see scripts/sanitize.sh), or with
 * fuzz/replay.c instead of libFuzzer to run a corpus with any compiler. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numgrad.h"

/* Exact products of extents and strides (a GNU extension, as in the library). */
__extension__ typedef unsigned __int128 u128;

#define MAX_ND 32
#define MAX_COUNT 1024   /* elements of a valid array, so that a run stays fast */
#define MAX_NOUT 10
#define OPT_BYTES 256    /* room for an ng_options of any struct_size the harness gives */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef FUZZ_STATS
/* fuzz/replay.c -DFUZZ_STATS: how often the corpus reaches each status */
void fuzz_stats_status(int32_t status, int computed);
#endif

static void die(const char *what, int32_t status) {
    fprintf(stderr, "fuzz_gradient: INVARIANT BROKEN: %s (status %s, message \"%s\")\n", what,
            ng_status_string(status), ng_last_error() ? ng_last_error() : "(null)");
    abort();
}

/* ---- reading the fuzzer's bytes ---------------------------------------------------- */

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint64_t take(reader *r, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        v <<= 8;
        if (r->n)
            v |= *r->p++, --r->n;
    }
    return v;
}
static unsigned byte(reader *r) { return (unsigned)take(r, 1); }

/* A deterministic stream for bulk values (array contents), seeded from the input. */
static uint64_t rng_state;
static uint64_t rng(void) {
    uint64_t x = rng_state += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* ---- buffers that remember their contents ------------------------------------------ */

#define MAX_BUFS 64
typedef struct buffer {
    unsigned char *p;
    size_t n;
    unsigned char *copy;  /* contents before the call */
    unsigned char *owner; /* per byte: 0 none, 1 input element, 2+i output i element */
    int array;            /* holds an input or output array (outputs may be put there) */
} buffer;

static buffer bufs[MAX_BUFS];
static int nbufs;

static unsigned char *new_buffer(size_t n, int array) {
    if (nbufs == MAX_BUFS)
        abort(); /* more than the harness ever makes */
    buffer *b = &bufs[nbufs++];
    b->n = n;
    b->array = array;
    b->p = malloc(n ? n : 1);
    b->copy = malloc(n ? n : 1);
    b->owner = calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; ++i)
        b->p[i] = (unsigned char)rng();
    return b->p;
}

static buffer *buffer_of(const void *p) {
    for (int i = 0; i < nbufs; ++i)
        if ((const unsigned char *)p >= bufs[i].p && (const unsigned char *)p < bufs[i].p + bufs[i].n)
            return &bufs[i];
    return NULL;
}

static void free_buffers(void) {
    for (int i = 0; i < nbufs; ++i)
        free(bufs[i].p), free(bufs[i].copy), free(bufs[i].owner);
    nbufs = 0;
}

/* ---- arrays ------------------------------------------------------------------------ */

typedef struct arr {
    ng_array a;
    int64_t shape[MAX_ND + 1];
    int64_t strides[MAX_ND + 1];
    int64_t isize;       /* element size of its declared dtype (0: unknown dtype) */
    int64_t count;       /* elements, saturated at INT64_MAX; -1 when an extent is < 0 */
    int64_t lo, hi;      /* element offsets reached, when `sane` */
    int sane;            /* strides bounded: the span fits a harness buffer */
    int bad;             /* built so that a correct library must refuse it */
} arr;

static int dtype_ok(int32_t dtype) { return ng_dtype_size(dtype) > 0; }

static int32_t pick_dtype(reader *r) {
    const unsigned b = byte(r);
    if (b < 244)
        return (int32_t)(1 + b % 12);
    static const int32_t odd[] = {0, 13, -1, 99, INT32_MIN, INT32_MAX, 255, 1 << 16};
    return odd[b % 8];
}

static int64_t pick_extent(reader *r) {
    const unsigned b = byte(r);
    if (b < 150)
        return 1 + (b + 2) % 5;
    if (b < 175)
        return 0;
    if (b < 215)
        return 6 + b % 28;
    if (b < 232)
        return 2 + (int64_t)byte(r) * 4;
    if (b < 246) {
        static const int64_t huge[] = {INT64_C(1) << 31, (INT64_C(1) << 31) + 1,
                                       (INT64_C(1) << 32) + 3, INT64_C(1) << 40,
                                       INT64_C(1) << 62, INT64_MAX, 3 * (INT64_C(1) << 61),
                                       INT64_C(1) << 33};
        return huge[b % 8];
    }
    static const int64_t neg[] = {-1, -5, INT64_MIN, -(INT64_C(1) << 40)};
    return neg[b % 4];
}

/* Elements of a shape: exact, saturated at INT64_MAX; -1 when an extent is negative. */
static int64_t count_of(const int64_t *shape, int ndim) {
    u128 c = 1;
    int zero = 0;
    for (int j = 0; j < ndim; ++j) {
        if (shape[j] < 0)
            return -1;
        if (shape[j] == 0)
            zero = 1;
        c *= (u128)shape[j];
        if (c > INT64_MAX)
            c = (u128)INT64_MAX + 1; /* stays above INT64_MAX */
    }
    if (zero)
        return 0;
    return c > INT64_MAX ? INT64_MAX : (int64_t)c;
}

/* Shrinks the shape of a non-empty array until it holds at most MAX_COUNT elements,
 * unless its element count does not even fit in int64 (then it is invalid anyway). */
static void clamp_shape(int64_t *shape, int ndim) {
    u128 c = 1;
    for (int j = 0; j < ndim; ++j) {
        if (shape[j] <= 0)
            return;
        c *= (u128)shape[j];
        if (c > (u128)INT64_MAX)
            return;
    }
    while (count_of(shape, ndim) > MAX_COUNT) {
        int big = 0;
        for (int j = 1; j < ndim; ++j)
            if (shape[j] > shape[big])
                big = j;
        shape[big] = shape[big] > 8 ? 2 + shape[big] % 7 : shape[big] / 2;
        if (shape[big] < 1)
            shape[big] = 1;
    }
}

/* Strides and data of an array whose dtype, ndim and shape are set. `in_buf` is where an
 * output may be placed on purpose (an overlap); NULL for the input itself. */
static void layout(reader *r, arr *x, int is_output) {
    const int nd = x->a.ndim >= 0 && x->a.ndim <= MAX_ND ? x->a.ndim : 0;
    x->isize = ng_dtype_size(x->a.dtype);
    x->count = count_of(x->shape, nd);
    x->a.shape = x->shape;
    x->a.strides = NULL;
    x->a.data = NULL;
    x->sane = 1;
    const unsigned mode = byte(r);
    /* C-contiguous strides, the reference for the other modes. */
    int64_t c_strides[MAX_ND];
    {
        int64_t run = 1;
        for (int j = nd - 1; j >= 0; --j) {
            c_strides[j] = run;
            const int64_t e = x->shape[j] > 1 ? x->shape[j] : 1;
            run = run <= INT64_MAX / e ? run * e : INT64_MAX;
        }
    }
    if (mode < 90) {
        x->a.strides = byte(r) & 1 ? NULL : x->strides;
        memcpy(x->strides, c_strides, sizeof(int64_t) * (size_t)nd);
    } else if (mode < 150) {
        /* a permutation of the contiguous strides, random signs, maybe spread by 2 */
        int perm[MAX_ND];
        for (int j = 0; j < nd; ++j)
            perm[j] = j;
        for (int j = nd - 1; j > 0; --j) {
            const int o = (int)(byte(r) % (unsigned)(j + 1)), t = perm[j];
            perm[j] = perm[o], perm[o] = t;
        }
        const int64_t spread = byte(r) % 3 == 0 ? 2 : 1;
        int64_t run = spread;
        for (int j = nd - 1; j >= 0; --j) {
            const int d = perm[j];
            x->strides[d] = (byte(r) & 1 ? -1 : 1) * run;
            const int64_t e = x->shape[d] > 1 ? x->shape[d] : 1;
            run = run <= INT64_MAX / e ? run * e : INT64_MAX;
        }
        x->a.strides = x->strides;
    } else if (mode < 236) {
        /* small random strides: zero, negative, colliding */
        for (int j = 0; j < nd; ++j)
            x->strides[j] = (int64_t)(byte(r) % 19) - 9;
        x->a.strides = x->strides;
    } else {
        /* one dim whose byte offset cannot fit in int64 */
        memcpy(x->strides, c_strides, sizeof(int64_t) * (size_t)nd);
        x->a.strides = x->strides;
        int d = -1;
        for (int j = 0; j < nd; ++j)
            if (x->shape[j] >= 2 && (d < 0 || byte(r) & 1))
                d = j;
        if (d >= 0 && x->isize > 0) {
            const u128 need = ((u128)1 << 63) /
                                               ((u128)x->isize * (u128)(x->shape[d] - 1)) +
                                           1 + byte(r) % 3;
            int64_t s = need > INT64_MAX ? INT64_MAX : (int64_t)need;
            if (byte(r) & 1)
                s = byte(r) & 1 ? INT64_MIN : -s;
            x->strides[d] = s;
            x->bad = x->count > 0;
            x->sane = 0;
        }
    }
    if (x->count > 4 * MAX_COUNT) {
        x->bad = 1; /* more elements than int64 holds: clamp_shape left it so */
        x->sane = 0;
    }
    if (x->count <= 0 || x->isize == 0 || !x->sane) {
        /* nothing to access, or an invalid array: any pointer will do */
        const unsigned b = byte(r) % 3;
        x->a.data = b == 0 ? NULL : b == 1 ? (void *)new_buffer(16, 1) : (void *)(uintptr_t)0x1000;
        if (x->count > 0 && x->isize > 0 && !x->a.data)
            x->bad = 1;
        x->sane = x->sane && x->count == 0;
        return;
    }
    /* The exact element offsets reached. */
    int64_t lo = 0, hi = 0;
    const int64_t *st = x->a.strides ? x->a.strides : c_strides;
    for (int j = 0; j < nd; ++j) {
        const int64_t step = st[j] * (x->shape[j] - 1); /* |st| <= 9 * 4096 or contiguous */
        if (step < 0)
            lo += step;
        else
            hi += step;
    }
    x->lo = lo, x->hi = hi;
    const size_t bytes = (size_t)((hi - lo + 1) * x->isize);
    const unsigned place = byte(r);
    if (place >= 248) {
        x->a.data = NULL; /* NULL data for a non-empty array */
        x->bad = 1;
    } else if (place >= 242) {
        /* an address so low (or high) that the strides wrap around the address space */
        x->a.data = lo < 0 ? (void *)(uintptr_t)((uint64_t)(-lo) * (uint64_t)x->isize - 1 - (place & 1))
                           : (void *)(uintptr_t)(UINT64_MAX - ((place & 1) && bytes >= 2 ? 1 : 0));
        x->bad = 1;
        x->sane = 0;
    } else if (is_output && place >= 200 && nbufs > 0) {
        /* inside an existing array buffer (the input's or an earlier output's), aligned */
        buffer *b = &bufs[byte(r) % (unsigned)nbufs];
        if (b->array && b->n >= bytes) {
            size_t off = (size_t)(take(r, 2) % (b->n - bytes + 1));
            off -= off % (size_t)(x->isize < 8 ? x->isize : 8);
            x->a.data = b->p + off + (size_t)(-lo * x->isize);
        } else {
            x->a.data = new_buffer(bytes, 1) + (size_t)(-lo * x->isize);
        }
    } else {
        x->a.data = new_buffer(bytes, 1) + (size_t)(-lo * x->isize);
    }
}

/* ---- spacing ----------------------------------------------------------------------- */

static double pick_h(reader *r) {
    static const double hs[] = {1.0, 0.5, 2.0, -1.5, 0.0, -0.0, NAN, INFINITY, -INFINITY, 1e-300,
                                1e300, 3.0, 0.1, DBL_MIN / 4, DBL_MAX, 1.0 / 3.0};
    const unsigned b = byte(r);
    if (b < 240)
        return hs[b % 16];
    uint64_t bits = take(r, 8);
    double h;
    memcpy(&h, &bits, sizeof h);
    return h;
}

static double *pick_coords(reader *r, int64_t n) {
    double *x = (double *)(void *)new_buffer((size_t)(n > 0 ? n : 0) * sizeof(double), 0);
    const unsigned style = byte(r);
    double at = (double)(int)(byte(r) % 7) - 3.0;
    const double step = (double)(1 + byte(r) % 4) / 4.0; /* exact: uniform stays uniform */
    for (int64_t i = 0; i < n; ++i) {
        double v;
        switch (style % 8) {
        case 0: v = at + (double)i * step; break;                    /* exactly uniform */
        case 1: v = at + (double)i * step + (double)(rng() % 5) / 8; break; /* stretched */
        case 2: v = at + (double)(rng() % 4);                         /* duplicates, disorder */
            break;
        case 3: v = at - (double)i * step; break;                    /* decreasing */
        case 4: v = (double)i * step; if (rng() % 4 == 0) v = NAN; break;
        case 5: v = (double)i * step; if (rng() % 4 == 0) v = (rng() & 1) ? INFINITY : -INFINITY; break;
        case 6: v = (double)i * 0.1; break;                           /* inexactly uniform */
        default: {
            uint64_t bits = rng();
            memcpy(&v, &bits, sizeof v);
        }
        }
        x[i] = v;
    }
    return x;
}

/* ---- the naive reference (real dtypes) ---------------------------------------------- */

static double load(const arr *x, int64_t off) {
    const unsigned char *p = (const unsigned char *)x->a.data + off * x->isize;
    switch (x->a.dtype) {
    case NG_FLOAT32: { float v; memcpy(&v, p, 4); return v; }
    case NG_FLOAT64: { double v; memcpy(&v, p, 8); return v; }
    case NG_INT8: { int8_t v; memcpy(&v, p, 1); return v; }
    case NG_INT16: { int16_t v; memcpy(&v, p, 2); return v; }
    case NG_INT32: { int32_t v; memcpy(&v, p, 4); return v; }
    case NG_INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case NG_UINT8: { uint8_t v; memcpy(&v, p, 1); return v; }
    case NG_UINT16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case NG_UINT32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case NG_UINT64: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    }
    abort();
}

/* One result element: line f (n samples, stride s elements from `base`), position i. */
static double reference(const arr *in, int64_t base, int64_t s, int64_t n, int64_t i, int edge_order,
                        int uniform, double h, const double *x) {
#define F(k) load(in, base + (k) * s)
    if (uniform && in->a.dtype == NG_FLOAT32) {
        /* float32 arithmetic with coefficients computed in double, rounded once */
#define G(k) ((float)F(k))
        if (i > 0 && i < n - 1)
            return (G(i + 1) - G(i - 1)) / (float)(2.0 * h);
        if (edge_order == 1)
            return i == 0 ? (G(1) - G(0)) / (float)h : (G(n - 1) - G(n - 2)) / (float)h;
        if (i == 0)
            return (float)(-1.5 / h) * G(0) + (float)(2.0 / h) * G(1) + (float)(-0.5 / h) * G(2);
        return (float)(0.5 / h) * G(n - 3) + (float)(-2.0 / h) * G(n - 2) + (float)(1.5 / h) * G(n - 1);
#undef G
    }
    if (uniform) {
        if (i > 0 && i < n - 1)
            return (F(i + 1) - F(i - 1)) / (2.0 * h);
        if (edge_order == 1)
            return i == 0 ? (F(1) - F(0)) / h : (F(n - 1) - F(n - 2)) / h;
        if (i == 0)
            return (-1.5 / h) * F(0) + (2.0 / h) * F(1) + (-0.5 / h) * F(2);
        return (0.5 / h) * F(n - 3) + (-2.0 / h) * F(n - 2) + (1.5 / h) * F(n - 1);
    }
    if (i > 0 && i < n - 1) {
        const double dx1 = x[i] - x[i - 1], dx2 = x[i + 1] - x[i];
        const double a = -dx2 / (dx1 * (dx1 + dx2)), b = (dx2 - dx1) / (dx1 * dx2),
                     c = dx1 / (dx2 * (dx1 + dx2));
        return a * F(i - 1) + b * F(i) + c * F(i + 1);
    }
    if (edge_order == 1)
        return i == 0 ? (F(1) - F(0)) / (x[1] - x[0]) : (F(n - 1) - F(n - 2)) / (x[n - 1] - x[n - 2]);
    if (i == 0) {
        const double dx1 = x[1] - x[0], dx2 = x[2] - x[1];
        const double a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2)), b = (dx1 + dx2) / (dx1 * dx2),
                     c = -dx1 / (dx2 * (dx1 + dx2));
        return a * F(0) + b * F(1) + c * F(2);
    }
    const double dx1 = x[n - 2] - x[n - 3], dx2 = x[n - 1] - x[n - 2];
    const double a = dx2 / (dx1 * (dx1 + dx2)), b = -(dx2 + dx1) / (dx1 * dx2),
                 c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2));
    return a * F(n - 3) + b * F(n - 2) + c * F(n - 1);
#undef F
}

static int same_value(double want, const unsigned char *p, int32_t dtype) {
    if (dtype == NG_FLOAT32) {
        float got, w = (float)want;
        memcpy(&got, p, 4);
        return (isnan(got) && isnan(w)) || memcmp(&got, &w, 4) == 0;
    }
    double got;
    memcpy(&got, p, 8);
    return (isnan(got) && isnan(want)) || memcmp(&got, &want, 8) == 0;
}

/* ---- the fuzz target ---------------------------------------------------------------- */

static int64_t offset_of(const arr *x, const int64_t *idx) {
    int64_t c_run = 1, off = 0;
    for (int j = x->a.ndim - 1; j >= 0; --j) {
        off += idx[j] * (x->a.strides ? x->a.strides[j] : c_run);
        c_run *= x->shape[j];
    }
    return off;
}

/* Marks the bytes of every element of x in its buffer; returns 0 when an element
 * shares a byte with something marked before (or lies outside any buffer). */
static int mark(const arr *x, unsigned char tag) {
    if (x->count <= 0)
        return 1;
    const int nd = x->a.ndim;
    int64_t idx[MAX_ND] = {0};
    for (int64_t p = 0; p < x->count; ++p) {
        const unsigned char *e = (const unsigned char *)x->a.data + offset_of(x, idx) * x->isize;
        buffer *b = buffer_of(e);
        if (!b || e + x->isize > b->p + b->n)
            return 0;
        for (int64_t k = 0; k < x->isize; ++k) {
            unsigned char *o = &b->owner[e - b->p + k];
            if (*o && !(tag == 1 && *o == 1))
                return 0;
            *o = tag;
        }
        for (int j = nd - 1; j >= 0 && ++idx[j] == x->shape[j]; --j)
            idx[j] = 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    rng_state = 0x243F6A8885A308D3u;
    for (size_t i = 0; i < size; ++i)
        rng_state = (rng_state ^ data[i]) * 0x100000001B3u;
    nbufs = 0;

    /* the input */
    static arr in, out[MAX_NOUT];
    memset(&in, 0, sizeof in);
    in.a.dtype = pick_dtype(&r);
    {
        const unsigned b = byte(&r);
        static const int32_t odd_ndim[] = {-1, 33, 9, 32, INT32_MIN, 12, 40, 16};
        in.a.ndim = b < 248 ? (int32_t)((b + 2) % 9) : odd_ndim[b % 8];
    }
    const int nd = in.a.ndim >= 0 && in.a.ndim <= MAX_ND ? in.a.ndim : 0;
    for (int j = 0; j < nd; ++j)
        in.shape[j] = j < 8 ? pick_extent(&r) : 1 + byte(&r) % 2;
    clamp_shape(in.shape, nd);
    layout(&r, &in, 0);
    if (byte(&r) >= 250 && nd > 0)
        in.a.shape = NULL; /* NULL shape */
    if (in.a.data && buffer_of(in.a.data) && in.sane && dtype_ok(in.a.dtype)) {
        /* friendlier contents than random bits: mostly small integers */
        buffer *b = buffer_of(in.a.data);
        const unsigned style = byte(&r) % 4;
        if (style != 0)
            for (size_t i = 0; i + (size_t)in.isize <= b->n; i += (size_t)in.isize) {
                const double v = (double)(int)(rng() % 64) - (style == 1 ? 0 : 20);
                unsigned char *e = b->p + i;
                switch (in.a.dtype) {
                case NG_FLOAT32: case NG_COMPLEX64: { float f = (float)v; memcpy(e, &f, 4); break; }
                case NG_FLOAT64: case NG_COMPLEX128: memcpy(e, &v, 8); break;
                default: memset(e, 0, (size_t)in.isize), e[0] = (unsigned char)(int)v; /* little endian */
                }
            }
    }

    /* options */
    static unsigned char optbuf[OPT_BYTES];
    memset(optbuf, 0, sizeof optbuf);
    ng_options *opt = (ng_options *)(void *)optbuf;
    *opt = (ng_options)NG_OPTIONS_INIT;
    const ng_options *opt_arg = opt;
    int known_bad = 0;
    {
        const unsigned b = byte(&r);
        if (b >= 248) {
            opt_arg = NULL;
        } else if (b >= 236) {
            static const uint32_t sizes[] = {0, 8, 16, 40, 36, OPT_BYTES, 48, 72};
            opt->struct_size = sizes[b % 8];
            if (opt->struct_size > sizeof(ng_options) && byte(&r) & 1)
                optbuf[sizeof(ng_options) + byte(&r) % (opt->struct_size - sizeof(ng_options))] = 1;
        }
    }
    /* dims */
    int32_t *dims = NULL;
    int k = nd;            /* what a valid call differentiates */
    int32_t norm[MAX_ND];  /* the normalised dims of a valid call */
    for (int j = 0; j < nd; ++j)
        norm[j] = j;
    {
        const unsigned b = byte(&r);
        if (!opt_arg) {
            /* NULL options: every dim, unit spacing, edge_order 1 */
        } else if (b >= 100) {
            int32_t nds = (int32_t)(byte(&r) % (unsigned)(nd + 3));
            if (b >= 250)
                nds = b & 1 ? -1 : INT32_MIN;
            const size_t count = nds > 0 ? (size_t)nds : 0;
            dims = (int32_t *)(void *)new_buffer(count * sizeof(int32_t), 0);
            int perm[MAX_ND];
            for (int j = 0; j < nd; ++j)
                perm[j] = j;
            for (int j = nd - 1; j > 0; --j) {
                const int o = (int)(byte(&r) % (unsigned)(j + 1)), t = perm[j];
                perm[j] = perm[o], perm[o] = t;
            }
            for (size_t i = 0; i < count; ++i) {
                const unsigned c = byte(&r);
                int32_t d = nd > 0 ? perm[i % (size_t)nd] : 0;
                if (c < 60)
                    d -= nd; /* the negative form */
                else if (c >= 240)
                    d = c & 1 ? (c & 2 ? INT32_MIN : nd) : -nd - 1; /* out of range */
                dims[i] = d;
                if (i < MAX_ND)
                    norm[i] = d < 0 ? d + nd : d;
            }
            opt->dims = dims, opt->ndims = nds;
            k = nds;
        } else if (b >= 96) {
            opt->ndims = 1 + b % 2; /* NULL dims with a count */
        }
    }
    /* spacing */
    {
        const unsigned b = byte(&r);
        int32_t ns = 0;
        if (b < 90)
            ns = 0;
        else if (b < 150)
            ns = 1;
        else if (b < 245)
            ns = k > 0 ? k : 0;
        else
            ns = b % 2 ? -1 : (int32_t)(byte(&r) % 12);
        ng_spacing *sp = NULL;
        if (!opt_arg)
            ns = 0;
        if (ns > 0 && byte(&r) < 252) {
            sp = (ng_spacing *)(void *)new_buffer((size_t)ns * sizeof(ng_spacing), 0);
            memset(sp, 0, (size_t)ns * sizeof(ng_spacing));
            for (int i = 0; i < ns; ++i) {
                const unsigned kb = byte(&r);
                sp[i].kind = kb < 70 ? NG_SPACING_UNIT : kb < 150 ? NG_SPACING_SCALAR : kb < 250 ? NG_SPACING_COORDS
                                                                                              : (int32_t)(kb % 2 ? 3 : -1);
                sp[i].reserved = byte(&r) >= 253;
                sp[i].h = pick_h(&r);
                if (sp[i].kind == NG_SPACING_COORDS) {
                    /* coordinates for the dim this entry belongs to, usually the right count */
                    const int d = k > 0 && i < k && i < MAX_ND && norm[i] >= 0 && norm[i] < nd ? norm[i] : 0;
                    int64_t n = nd > 0 ? in.shape[d] : 3;
                    if (n > MAX_COUNT || n < 0)
                        n = 3; /* a huge or negative dim: a wrong count (no room for it anyway) */
                    const unsigned cb = byte(&r);
                    if (cb < 20)
                        n = n + 1;
                    else if (cb < 30)
                        n = n - 1;
                    else if (cb < 34)
                        n = -(int64_t)(cb % 3);
                    sp[i].ncoords = n;
                    sp[i].coords = byte(&r) >= 252 ? NULL : pick_coords(&r, n);
                }
            }
        }
        opt->spacing = sp, opt->nspacing = ns;
    }
    {
        const unsigned b = byte(&r);
        static const int32_t odd[] = {0, 3, -1, INT32_MIN, INT32_MAX, 256};
        opt->edge_order = b < 240 ? (int32_t)(1 + b % 2) : odd[b % 6];
        const unsigned t = byte(&r);
        opt->threads = t < 240 ? (int32_t)(t % 3) : (t & 1 ? -1 : 64);
        opt->reserved = byte(&r) >= 253;
    }
    /* beyond numpy: accuracy orders, boundary modes (periodic, halo), strict checks */
    int accuracy = 2, numpy_formulas = 1;
    int64_t halo[MAX_ND][2];
    memset(halo, 0, sizeof halo);
    if (opt_arg) {
        const unsigned b = byte(&r);
        if (b >= 192) {
            static const int32_t acc[] = {0, 2, 4, 6, 8, 4, 3, -2, 10, 6, 8, INT32_MIN};
            opt->accuracy = acc[b % 12];
            accuracy = opt->accuracy == 0 ? 2 : opt->accuracy;
            numpy_formulas = accuracy == 2;
        }
        const unsigned c = byte(&r);
        if (c >= 180) {
            int32_t nb = c < 215 ? 1 : c < 250 ? (k > 0 ? k : 1) : (c & 1 ? -1 : 7);
            ng_boundary *bd = NULL;
            if (nb > 0 && byte(&r) < 252) {
                bd = (ng_boundary *)(void *)new_buffer((size_t)nb * sizeof(ng_boundary), 0);
                memset(bd, 0, (size_t)nb * sizeof(ng_boundary));
                for (int e = 0; e < nb; ++e) {
                    const unsigned m = byte(&r);
                    static const int32_t modes[] = {NG_BOUNDARY_EDGE, NG_BOUNDARY_PERIODIC, NG_BOUNDARY_HALO};
                    bd[e].lower = m < 250 ? modes[m % 3] : (m & 1 ? 3 : -1);
                    bd[e].upper = byte(&r) < 128 && bd[e].lower >= 0 && bd[e].lower <= 2 ? bd[e].lower : modes[byte(&r) % 3];
                    static const double periods[] = {0.0, 0.0, 0.0, 1.0, 2.5, -3.0, NAN, INFINITY, 0.25, 1e300};
                    bd[e].period = periods[byte(&r) % 10];
                    if (bd[e].lower != NG_BOUNDARY_EDGE || bd[e].upper != NG_BOUNDARY_EDGE)
                        numpy_formulas = 0;
                }
                /* the halo cells each differentiated dim loses in every output */
                for (int i = 0; i < k && i < MAX_ND; ++i) {
                    const ng_boundary *e = &bd[nb == 1 ? 0 : i < nb ? i : 0];
                    if (norm[i] >= 0 && norm[i] < nd && accuracy > 0 && accuracy <= 8) {
                        halo[norm[i]][0] = e->lower == NG_BOUNDARY_HALO ? accuracy / 2 : 0;
                        halo[norm[i]][1] = e->upper == NG_BOUNDARY_HALO ? accuracy / 2 : 0;
                    }
                }
            }
            opt->boundary = bd, opt->nboundary = nb;
        }
        opt->strict = byte(&r) >= 230;
        opt->reserved2 = byte(&r) >= 254;
    }

    /* outputs */
    int nout = k;
    {
        const unsigned b = byte(&r);
        if (b >= 240)
            nout = b % 3 == 0 && k >= 0 ? k + 1 : b % 3 == 1 && k >= 0 ? k - 1 : -1;
    }
    const int nmade = k > 0 ? (k < MAX_NOUT ? k : MAX_NOUT) : 0;
    ng_array outs[MAX_ND + 8];
    memset(outs, 0, sizeof outs);
    const int32_t rdt = ng_result_dtype(in.a.dtype);
    for (int i = 0; i < nmade; ++i) {
        arr *o = &out[i];
        memset(o, 0, sizeof *o);
        const unsigned b = byte(&r);
        o->a.dtype = b < 240 || rdt < 0 ? (rdt > 0 ? rdt : NG_FLOAT64) : pick_dtype(&r);
        o->a.ndim = b >= 236 && b < 240 ? in.a.ndim + 1 : in.a.ndim;
        memcpy(o->shape, in.shape, sizeof o->shape);
        for (int j = 0; j < nd; ++j)
            if (o->shape[j] > 0 && o->shape[j] <= MAX_COUNT)
                o->shape[j] -= halo[j][0] + halo[j][1]; /* may go negative: then invalid */
        if (b >= 232 && b < 236 && nd > 0) {
            const unsigned d = byte(&r) % (unsigned)nd;
            o->shape[d] = o->shape[d] < INT64_MAX ? o->shape[d] + 1 : 0;
        }
        layout(&r, o, 1);
        if (byte(&r) >= 253 && nd > 0)
            o->a.shape = NULL;
        if (i > 0 && byte(&r) >= 252)
            o->a.data = out[i - 1].a.data; /* aliased */
        outs[i] = o->a;
    }
    /* more slots than made outputs are zeroed descriptors (used only with a wrong count) */
    ng_array *outs_arg = byte(&r) >= 252 ? NULL : outs;

    /* Would a correct library have to refuse this call? (Only what the harness is sure
     * of; everything else may go either way.) */
    const int64_t in_count = in.count;
    if (in_count > 0 && in.bad)
        known_bad = 1;
    if (k > 0 && k <= MAX_NOUT && nout == k)
        for (int i = 0; i < k; ++i)
            if (out[i].bad && out[i].count > 0)
                known_bad = 1;
    if (k > MAX_NOUT && nout == k && outs_arg)
        known_bad = 1; /* outputs[MAX_NOUT] is a zeroed descriptor: dtype 0 */

    /* snapshot */
    for (int i = 0; i < nbufs; ++i)
        memcpy(bufs[i].copy, bufs[i].p, bufs[i].n);
    unsigned char opt_copy[OPT_BYTES];
    memcpy(opt_copy, optbuf, sizeof optbuf);

    const int32_t status = ng_gradient(&in.a, opt_arg, outs_arg, nout);
#ifdef FUZZ_STATS
    fuzz_stats_status(status, in_count > 0 && k > 0);
#endif
    const char *message = ng_last_error();
    if (!message)
        die("ng_last_error() is NULL", status);
    if (status < NG_OK || strcmp(ng_status_string(status), "unknown status") == 0)
        die("unknown status", status);
    if (status == NG_ERR_INTERNAL)
        die("NG_ERR_INTERNAL", status);
    if (memcmp(opt_copy, optbuf, sizeof optbuf) != 0)
        die("the options were written", status);

    if (status != NG_OK) {
        if (message[0] == '\0')
            die("an error with an empty message", status);
        for (int i = 0; i < nbufs; ++i)
            if (memcmp(bufs[i].copy, bufs[i].p, bufs[i].n) != 0)
                die("a buffer changed although the call failed", status);
        free_buffers();
        return 0;
    }

    /* success */
    if (message[0] != '\0')
        die("a success with a non-empty message", status);
    if (known_bad)
        die("accepted a call the harness built to be invalid", status);
    if (in_count > 0 && k > 0) {
        if (!mark(&in, 1))
            die("accepted an input outside its buffer", status);
        for (int i = 0; i < k; ++i)
            if (!mark(&out[i], (unsigned char)(2 + i)))
                die("accepted an output that overlaps the input, another output or itself", status);
    }
    for (int i = 0; i < nbufs; ++i)
        for (size_t j = 0; j < bufs[i].n; ++j)
            if (bufs[i].owner[j] < 2 && bufs[i].p[j] != bufs[i].copy[j])
                die("a byte that is no output element changed", status);
    /* the results, against the naive formulas (real dtypes; complex is left to the
     * suites, whose oracle is numpy) */
    if (in_count > 0 && k > 0 && numpy_formulas && in.a.dtype != NG_COMPLEX64 &&
        in.a.dtype != NG_COMPLEX128) {
        const int edge_order = opt_arg ? opt->edge_order : 1;
        for (int i = 0; i < k; ++i) {
            const int d = norm[i];
            const ng_spacing *s = opt_arg && opt->nspacing > 0 ? &opt->spacing[opt->nspacing == 1 ? 0 : i] : NULL;
            int uniform = 1;
            double h = 1.0;
            const double *x = NULL;
            if (s && s->kind == NG_SPACING_SCALAR)
                h = s->h;
            if (s && s->kind == NG_SPACING_COORDS) {
                x = s->coords;
                h = x[1] - x[0];
                for (int64_t j = 1; j + 1 < in.shape[d]; ++j)
                    if (!(x[j + 1] - x[j] == h))
                        uniform = 0;
            }
            int64_t idx[MAX_ND] = {0};
            for (int64_t p = 0; p < in_count; ++p) {
                const int64_t pos = idx[d];
                idx[d] = 0;
                const int64_t base = offset_of(&in, idx);
                idx[d] = pos;
                int64_t stride = 1;
                for (int j = nd - 1; j > d; --j)
                    stride *= in.shape[j];
                if (in.a.strides)
                    stride = in.a.strides[d];
                const double want = reference(&in, base, stride, in.shape[d], pos, edge_order, uniform, h, x);
                const unsigned char *got =
                    (const unsigned char *)out[i].a.data + offset_of(&out[i], idx) * out[i].isize;
                if (!same_value(want, got, out[i].a.dtype)) {
                    fprintf(stderr, "output %d (dim %d) at flat %lld: want %.17g\n", i, d, (long long)p, want);
                    die("a result differs from SEMANTICS.md's formulas", status);
                }
                for (int j = nd - 1; j >= 0 && ++idx[j] == in.shape[j]; --j)
                    idx[j] = 0;
            }
        }
    }
    free_buffers();
    return 0;
}
