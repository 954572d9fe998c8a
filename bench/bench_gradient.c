/*
 * bench_gradient: times ng_gradient and, in the same run and on the same buffers, a
 * naive streaming loop that reads the input once and writes the k outputs (a copy:
 * out_d[i] = in[i], in memory order, OpenMP static schedule over the same thread count).
 * That loop is the memory-traffic bound a gradient should reach: it moves the same bytes
 * and does no arithmetic.
 *
 * Cases: 1-D 2^24, 2-D 4096^2, 3-D 256^3, and 3-D 64^3, whose outputs (under 8 MiB in
 * all) stay in cache, so numgrad writes them with ordinary stores (every dim
 * differentiated); float64 and float32; scalar spacing (h = 0.1, a true division) and
 * non-uniform coordinates; edge_order 1 and 2; C- and Fortran-order input (outputs in
 * the input's order); 1 and 2 threads; outputs in separate buffers, stacked in one
 * buffer (k, shape...), staggered: in one buffer, each output 32 KiB + 64 bytes after
 * the end of the previous one, or offset: output d 16 (d + 1) bytes after the start of
 * its separate buffer, so that no two outputs start at the same offset in a cache line
 * (as views or a stacked array of an odd size can: their vectors cannot all be aligned
 * at once). Stacked outputs have addresses equal modulo large
 * powers of two; the staggered layout is the unaliased reference the loop would reach
 * if that aliasing cost it (the performance issue measured 35 ms against 18 ms on
 * another machine).
 *
 * Each case runs once untimed, then --reps times alternating the kernel and the loop
 * (each time over enough calls to take about as long as 2^24 elements: small arrays
 * are timed over several calls); the table shows medians, effective GB/s (input bytes +
 * k * output bytes, per second) and ratio = loop time / kernel time: the median over the
 * repetitions of each back-to-back pair's ratio (> 1: the kernel is faster than the loop).
 *
 *   bench_gradient [--reps=N] [--quick] [--dims=1,2,3] [--threads=1,2] [--shape=AxB...]
 *                  [--csv=FILE]
 *
 * --quick uses tiny arrays and one repetition: a smoke test that the program works.
 * --shape replaces the shapes of its dimensionality (e.g. --shape=128x128x128).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c99 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#define BENCH_PRAGMA(x) _Pragma(#x)
#else
#define BENCH_PRAGMA(x)
#endif

#include "numgrad.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The naive streaming loop: reads the input once, writes k outputs, in memory order.
 * One definition for each element type. */
#define DEFINE_STREAM(name, T)                                                           \
    static void name(const T *in, T *const *out, int k, int64_t n, int threads) {       \
        (void)threads;                                                                   \
        if (k == 1) {                                                                    \
            T *o0 = out[0];                                                              \
            BENCH_PRAGMA(omp parallel for schedule(static) num_threads(threads))         \
            for (int64_t i = 0; i < n; ++i)                                              \
                o0[i] = in[i];                                                           \
        } else if (k == 2) {                                                             \
            T *o0 = out[0], *o1 = out[1];                                                \
            BENCH_PRAGMA(omp parallel for schedule(static) num_threads(threads))         \
            for (int64_t i = 0; i < n; ++i) {                                            \
                const T v = in[i];                                                       \
                o0[i] = v, o1[i] = v;                                                    \
            }                                                                            \
        } else {                                                                         \
            T *o0 = out[0], *o1 = out[1], *o2 = out[2];                                  \
            BENCH_PRAGMA(omp parallel for schedule(static) num_threads(threads))         \
            for (int64_t i = 0; i < n; ++i) {                                            \
                const T v = in[i];                                                       \
                o0[i] = v, o1[i] = v, o2[i] = v;                                         \
            }                                                                            \
        }                                                                                \
    }
DEFINE_STREAM(stream_f64, double)
DEFINE_STREAM(stream_f32, float)
#undef DEFINE_STREAM

typedef struct bench_case {
    int ndim;
    int64_t shape[3];
    int32_t dtype;
    int coords;  /* 0: scalar spacing h = 0.1; 1: non-uniform coordinates */
    int edge_order;
    int fortran; /* input (and outputs) in Fortran order */
    int threads;
    int layout;  /* 0 separate, 1 stacked in one buffer (k, shape...), 2 staggered, 3 offset */
} bench_case;

enum { LAYOUTS = 4 };
static const char *const layout_names[LAYOUTS] = {"separate", "stacked", "staggered", "offset"};
/* The gap between staggered outputs: 32 KiB and one cache line. */
static const size_t stagger_bytes = (size_t)(32 << 10) + 64;
/* Offset output d starts offset_bytes * (d + 1) into its buffer (a cache line). */
static const size_t offset_bytes = 16;

typedef struct buffers {
    int64_t n;         /* elements per array */
    size_t esize;
    void *in;
    void *sep[3];      /* separate outputs (and offset ones, in the same buffers) */
    void *stack;       /* stacked and staggered outputs */
    double *coords[3]; /* non-uniform coordinates per dim */
} buffers;

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "bench_gradient: out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static void buffers_make(buffers *b, const bench_case *c) {
    b->n = 1;
    for (int d = 0; d < c->ndim; ++d)
        b->n *= c->shape[d];
    b->esize = (size_t)ng_dtype_size(c->dtype);
    const size_t bytes = (size_t)b->n * b->esize;
    b->in = xmalloc(bytes);
    for (int d = 0; d < c->ndim; ++d)
        b->sep[d] = xmalloc(bytes + 64);
    b->stack = xmalloc((bytes + stagger_bytes) * (size_t)c->ndim);
    /* a smooth field with some noise, so no value is special */
    for (int64_t i = 0; i < b->n; ++i) {
        const double v = sin(0.001 * (double)i) + (double)((i * 2654435761u) % 1000) * 1e-4;
        if (c->dtype == NG_FLOAT64)
            ((double *)b->in)[i] = v;
        else
            ((float *)b->in)[i] = (float)v;
    }
    for (int d = 0; d < c->ndim; ++d) {
        memset(b->sep[d], 0, bytes + 64);
        b->coords[d] = xmalloc((size_t)c->shape[d] * sizeof(double));
        double x = 0;
        for (int64_t i = 0; i < c->shape[d]; ++i) {
            b->coords[d][i] = x;
            x += 0.05 + 0.1 * (double)((i * 7919) % 13) / 13.0; /* strictly increasing */
        }
    }
    memset(b->stack, 0, (bytes + stagger_bytes) * (size_t)c->ndim);
}

static void buffers_free(buffers *b, int ndim) {
    free(b->in);
    free(b->stack);
    for (int d = 0; d < ndim; ++d)
        free(b->sep[d]), free(b->coords[d]);
}

/* Times one case: returns the medians of the kernel and of the streaming loop (per call;
 * each timing over `calls` calls) and the median of the ratios of each repetition's pair
 * (loop / kernel, timed back to back: a slow moment of the shared machine that hits
 * both cancels). */
static int run_case(const bench_case *c, buffers *b, int reps, int calls, double *t_kernel, double *t_loop,
                    double *ratio) {
    const int k = c->ndim;
    int64_t strides[3];
    int64_t s = 1;
    for (int q = 0; q < k; ++q) {
        const int d = c->fortran ? q : k - 1 - q;
        strides[d] = s;
        s *= c->shape[d];
    }
    ng_array in = {c->dtype, k, c->shape, strides, b->in};
    ng_array out[3];
    void *outp[3];
    for (int d = 0; d < k; ++d) {
        const size_t bytes = (size_t)b->n * b->esize;
        outp[d] = c->layout == 0   ? b->sep[d]
                  : c->layout == 1 ? (char *)b->stack + (size_t)d * bytes
                  : c->layout == 2 ? (char *)b->stack + (size_t)d * (bytes + stagger_bytes)
                                   : (char *)b->sep[d] + offset_bytes * (size_t)(d + 1);
        out[d] = (ng_array){c->dtype, k, c->shape, strides, outp[d]};
    }
    ng_spacing sp[3];
    for (int d = 0; d < k; ++d) {
        sp[d] = (ng_spacing)NG_SPACING_UNIT_INIT;
        if (c->coords) {
            sp[d].kind = NG_SPACING_COORDS;
            sp[d].coords = b->coords[d];
            sp[d].ncoords = c->shape[d];
        } else {
            sp[d].kind = NG_SPACING_SCALAR;
            sp[d].h = 0.1;
        }
    }
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = sp;
    opt.nspacing = k;
    opt.edge_order = c->edge_order;
    opt.threads = c->threads;

    double *tk = xmalloc(sizeof(double) * (size_t)reps), *tl = xmalloc(sizeof(double) * (size_t)reps);
    double *tr = xmalloc(sizeof(double) * (size_t)reps);
    for (int r = -1; r < reps; ++r) { /* r == -1: warm-up */
        double t0 = now();
        for (int call = 0; call < calls; ++call) {
            const int32_t st = ng_gradient(&in, &opt, out, k);
            if (st != NG_OK) {
                fprintf(stderr, "bench_gradient: %s\n", ng_last_error());
                free(tk), free(tl), free(tr);
                return 1;
            }
        }
        double t1 = now();
        for (int call = 0; call < calls; ++call) {
            if (c->dtype == NG_FLOAT64)
                stream_f64(b->in, (double *const *)outp, k, b->n, c->threads);
            else
                stream_f32(b->in, (float *const *)outp, k, b->n, c->threads);
        }
        double t2 = now();
        if (r >= 0)
            tk[r] = (t1 - t0) / calls, tl[r] = (t2 - t1) / calls, tr[r] = (t2 - t1) / (t1 - t0);
    }
    *t_kernel = median(tk, reps);
    *t_loop = median(tl, reps);
    *ratio = median(tr, reps);
    free(tk), free(tl), free(tr);
    return 0;
}

static int listed(const char *list, int v) {
    if (!list)
        return 1;
    for (const char *p = list; *p; ++p)
        if (*p - '0' == v)
            return 1;
    return 0;
}

int main(int argc, char **argv) {
    int reps = 9, quick = 0;
    const char *dims = NULL, *threads = NULL, *csv_path = NULL;
    int64_t custom[3] = {0, 0, 0};
    int custom_ndim = 0;
    for (int a = 1; a < argc; ++a) {
        if (strncmp(argv[a], "--reps=", 7) == 0)
            reps = atoi(argv[a] + 7);
        else if (strcmp(argv[a], "--quick") == 0)
            quick = 1;
        else if (strncmp(argv[a], "--dims=", 7) == 0)
            dims = argv[a] + 7;
        else if (strncmp(argv[a], "--threads=", 10) == 0)
            threads = argv[a] + 10;
        else if (strncmp(argv[a], "--shape=", 8) == 0) {
            char *p = argv[a] + 8;
            while (custom_ndim < 3) {
                custom[custom_ndim++] = strtoll(p, &p, 10);
                if (*p != 'x')
                    break;
                ++p;
            }
        } else if (strncmp(argv[a], "--csv=", 6) == 0)
            csv_path = argv[a] + 6;
        else {
            fprintf(stderr, "usage: %s [--reps=N] [--quick] [--dims=1,2,3] [--threads=1,2] [--shape=AxB...] [--csv=FILE]\n",
                    argv[0]);
            return 2;
        }
    }
    if (quick)
        reps = 1;
    if (reps < 1)
        reps = 1;
    FILE *csv = NULL;
    if (csv_path) {
        csv = fopen(csv_path, "w");
        if (!csv) {
            fprintf(stderr, "bench_gradient: cannot write %s\n", csv_path);
            return 2;
        }
        fprintf(csv, "shape,dtype,spacing,edge_order,order,threads,outputs,kernel_ms,kernel_gbs,"
                     "loop_ms,loop_gbs,ratio\n");
    }
    printf("numgrad %s, %d repetitions per case (medians); ratio = loop time / kernel time (median of the pairs')\n\n",
           ng_version_string(), reps);
    printf("| shape | dtype | spacing | edge | input | thr | outputs | numgrad ms | GB/s | loop ms | loop GB/s | ratio |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    typedef struct bench_shape {
        int ndim;
        int64_t shape[3];
    } bench_shape;
    const bench_shape full[4] = {{1, {INT64_C(1) << 24}}, {2, {4096, 4096}}, {3, {256, 256, 256}}, {3, {64, 64, 64}}};
    const bench_shape tiny[3] = {{1, {4096}}, {2, {64, 48}}, {3, {16, 12, 20}}};
    const int32_t dtypes[2] = {NG_FLOAT64, NG_FLOAT32};
    int status = 0;
    for (int si = 0; si < (quick ? 3 : 4); ++si) {
        const bench_shape *sh = quick ? &tiny[si] : &full[si];
        const int nd = sh->ndim;
        if (!listed(dims, nd) || (nd == custom_ndim && si > 0 && (quick ? tiny : full)[si - 1].ndim == nd))
            continue; /* --shape: one shape of its dimensionality */
        for (int ti = 0; ti < 2; ++ti) {
            bench_case c = {0};
            c.ndim = nd;
            c.dtype = dtypes[ti];
            for (int d = 0; d < nd; ++d)
                c.shape[d] = nd == custom_ndim ? custom[d] : sh->shape[d];
            buffers b;
            buffers_make(&b, &c);
            const int calls = quick || b.n >= INT64_C(1) << 24 ? 1 : (int)((INT64_C(1) << 24) / b.n);
            for (c.coords = 0; c.coords < 2; ++c.coords)
                for (c.edge_order = 1; c.edge_order <= 2; ++c.edge_order)
                    for (c.fortran = 0; c.fortran < (nd > 1 ? 2 : 1); ++c.fortran)
                        for (c.threads = 1; c.threads <= 2; ++c.threads) {
                            if (!listed(threads, c.threads))
                                continue;
                            for (c.layout = 0; c.layout < (nd > 1 ? LAYOUTS : 1); ++c.layout) {
                                double tk, tl, ratio;
                                if (run_case(&c, &b, reps, calls, &tk, &tl, &ratio)) {
                                    status = 1;
                                    continue;
                                }
                                const double bytes = (double)b.n * (double)b.esize * (1.0 + nd);
                                char shape[64];
                                if (nd == 1)
                                    snprintf(shape, sizeof shape, "%lld", (long long)c.shape[0]);
                                else if (nd == 2)
                                    snprintf(shape, sizeof shape, "%lldx%lld", (long long)c.shape[0],
                                             (long long)c.shape[1]);
                                else
                                    snprintf(shape, sizeof shape, "%lldx%lldx%lld", (long long)c.shape[0],
                                             (long long)c.shape[1], (long long)c.shape[2]);
                                const char *dt = c.dtype == NG_FLOAT64 ? "f64" : "f32";
                                const char *spc = c.coords ? "coords" : "scalar";
                                const char *ord = c.fortran ? "F" : "C";
                                const char *lay = layout_names[c.layout];
                                printf("| %s | %s | %s | %d | %s | %d | %s | %.2f | %.1f | %.2f | %.1f | %.2f |\n",
                                       shape, dt, spc, c.edge_order, ord, c.threads, lay, tk * 1e3,
                                       bytes / tk * 1e-9, tl * 1e3, bytes / tl * 1e-9, ratio);
                                fflush(stdout);
                                if (csv)
                                    fprintf(csv, "%s,%s,%s,%d,%s,%d,%s,%.4f,%.3f,%.4f,%.3f,%.4f\n", shape,
                                            dt, spc, c.edge_order, ord, c.threads, lay, tk * 1e3,
                                            bytes / tk * 1e-9, tl * 1e3, bytes / tl * 1e-9, ratio);
                            }
                        }
            buffers_free(&b, nd);
        }
    }
    if (csv)
        fclose(csv);
    return status;
}
