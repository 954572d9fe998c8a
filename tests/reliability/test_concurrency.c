/* Concurrency: ng_gradient called from 8 pthreads at once, many times, on distinct
 * inputs (dtypes, layouts, spacings, edge orders) and thread settings (0, 1, 2), and
 * from inside the caller's own OpenMP parallel region. Every result must be bitwise
 * identical to the serial one computed beforehand, every thread must see its own
 * ng_last_error(), and no call may touch another call's memory.
 *
 * NUMGRAD_STRESS_ROUNDS overrides the number of rounds per thread (ThreadSanitizer
 * runs use fewer: it slows every access down). */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "support.h"

enum { NCASES = 10, NTHREADS = 8, MAXK = 3 };

/* One call: an input, its options, and the serial reference results. */
typedef struct gcase {
    tarray in;
    int32_t dims[MAXK];
    int k;
    ng_spacing sp[MAXK];
    double *coords[MAXK];
    int edge_order;
    tarray want[MAXK];
} gcase;

static gcase cases[NCASES];
static int rounds = 40;

/* A field of every dtype from a hash of the flat position: all bits matter. */
static void fill(tarray *t, unsigned seed) {
    const int64_t n = tarray_size(t);
    int64_t idx[NG_MAX_NDIM];
    for (int64_t p = 0; p < n; ++p) {
        unravel(t->a.ndim, t->shape, p, idx);
        const uint64_t h = (uint64_t)(p + 1) * 0x9E3779B97F4A7C15u ^ seed * 0x85EBCA6Bu;
        const double re = (double)(h >> 40 & 0xff) - 100.0 + (double)(h >> 20 & 0xfff) / 4096.0;
        const double im = (double)(h >> 8 & 0xff) / 8.0;
        const int32_t dt = t->a.dtype;
        if (dt >= NG_INT8 && dt <= NG_UINT64)
            tarray_set(t, idx, (double)(h >> 44 & 0x7f), 0); /* fits every integer type */
        else
            tarray_set(t, idx, re, dtype_is_complex(dt) ? im : 0);
    }
}

static void make_case(gcase *c, int which) {
    /* dtype, shape, layout, dims, spacing kinds (0 unit, 1 scalar, 2 coords), edge order */
    static const struct {
        int32_t dtype;
        int ndim;
        int64_t shape[3];
        unsigned flags;
        int k;
        int32_t dims[MAXK];
        int kinds[MAXK];
        int edge_order;
    } spec[NCASES] = {
        {NG_FLOAT64, 3, {48, 40, 36}, 0, 3, {0, 1, 2}, {1, 2, 0}, 2},
        {NG_FLOAT32, 3, {40, 36, 48}, T_FORTRAN, 3, {2, 0, 1}, {2, 1, 1}, 1},
        {NG_COMPLEX128, 2, {300, 250}, T_REVERSE, 2, {0, 1}, {2, 2, 0}, 2},
        {NG_COMPLEX64, 2, {256, 300}, T_SPREAD, 1, {-1}, {1, 0, 0}, 1},
        {NG_INT16, 3, {64, 40, 30}, 0, 2, {1, 0}, {2, 1, 0}, 2},
        {NG_UINT8, 2, {512, 200}, T_FORTRAN | T_REVERSE, 2, {0, 1}, {0, 1, 0}, 1},
        {NG_INT64, 1, {100000}, 0, 1, {0}, {2, 0, 0}, 2},
        {NG_FLOAT64, 2, {7, 9}, T_SPREAD, 2, {1, 0}, {2, 1, 0}, 1}, /* small: always serial */
        {NG_UINT32, 3, {30, 50, 60}, T_REVERSE, 3, {0, 1, 2}, {1, 1, 1}, 2},
        {NG_FLOAT32, 2, {400, 200}, 0, 2, {0, 1}, {2, 2, 0}, 2},
    };
    const int w = which;
    memset(c, 0, sizeof *c);
    tarray_make(&c->in, spec[w].dtype, spec[w].ndim, spec[w].shape, spec[w].flags);
    fill(&c->in, (unsigned)w);
    c->k = spec[w].k;
    c->edge_order = spec[w].edge_order;
    for (int i = 0; i < c->k; ++i) {
        c->dims[i] = spec[w].dims[i];
        const int dim = c->dims[i] < 0 ? c->dims[i] + spec[w].ndim : c->dims[i];
        const int64_t n = spec[w].shape[dim];
        switch (spec[w].kinds[i]) {
        case 0: c->sp[i] = (ng_spacing)NG_SPACING_UNIT_INIT; break;
        case 1: c->sp[i] = (ng_spacing){NG_SPACING_SCALAR, 0, 0.25 + 0.5 * i + 0.01 * w, NULL, 0}; break;
        default: {
            double *x = malloc((size_t)n * sizeof *x);
            double at = -3.0;
            for (int64_t j = 0; j < n; ++j)
                x[j] = at, at += 0.5 + (double)((j * 7 + w) % 5) / 8.0; /* stretched */
            c->coords[i] = x;
            c->sp[i] = (ng_spacing){NG_SPACING_COORDS, 0, 0, x, n};
        }
        }
    }
}

static int32_t run(const gcase *c, int threads, tarray *out) {
    ng_options opt = NG_OPTIONS_INIT;
    opt.dims = c->dims, opt.ndims = c->k;
    opt.spacing = c->sp, opt.nspacing = c->k;
    opt.edge_order = c->edge_order, opt.threads = threads;
    ng_array outs[MAXK];
    for (int i = 0; i < c->k; ++i)
        outs[i] = out[i].a;
    return ng_gradient(&c->in.a, &opt, outs, c->k);
}

static void make_outputs(const gcase *c, tarray *out) {
    for (int i = 0; i < c->k; ++i) {
        tarray_make(&out[i], ng_result_dtype(c->in.a.dtype), c->in.a.ndim, c->in.shape, 0);
        tarray_poison(&out[i]);
    }
}

static int setup(void **state) {
    (void)state;
    const char *env = getenv("NUMGRAD_STRESS_ROUNDS");
    if (env && atoi(env) > 0)
        rounds = atoi(env);
    for (int w = 0; w < NCASES; ++w) {
        gcase *c = &cases[w];
        make_case(c, w);
        make_outputs(c, c->want);
        if (run(c, 1, c->want) != NG_OK) {
            fprintf(stderr, "case %d: %s\n", w, ng_last_error());
            return -1;
        }
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    for (int w = 0; w < NCASES; ++w) {
        tarray_free(&cases[w].in);
        for (int i = 0; i < cases[w].k; ++i)
            tarray_free(&cases[w].want[i]), free(cases[w].coords[i]);
    }
    return 0;
}

/* Bitwise comparison of whole buffers: same layout (C order, no padding). */
static int same(const gcase *c, const tarray *out) {
    for (int i = 0; i < c->k; ++i)
        if (out[i].bytes != c->want[i].bytes ||
            memcmp(out[i].buffer, c->want[i].buffer, out[i].bytes) != 0)
            return 0;
    return 1;
}

typedef struct worker {
    int id;
    pthread_barrier_t *start;
    char failure[256];
    long calls;
} worker;

static void *work(void *arg) {
    worker *me = arg;
    pthread_barrier_wait(me->start);
    tarray out[NCASES][MAXK];
    for (int w = 0; w < NCASES; ++w)
        make_outputs(&cases[w], out[w]);
    for (int r = 0; r < rounds && !me->failure[0]; ++r) {
        const int w = (me->id * 3 + r) % NCASES;
        const int threads = (me->id + r) % 3; /* 0 (the default), 1 or 2 */
        const gcase *c = &cases[w];
        for (int i = 0; i < c->k; ++i)
            tarray_poison(&out[w][i]);
        const int32_t status = run(c, threads, out[w]);
        ++me->calls;
        if (status != NG_OK || ng_last_error()[0] != '\0')
            snprintf(me->failure, sizeof me->failure, "thread %d round %d case %d: %s (%s)", me->id,
                     r, w, ng_status_string(status), ng_last_error());
        else if (!same(c, out[w]))
            snprintf(me->failure, sizeof me->failure,
                     "thread %d round %d case %d threads=%d: result differs from the serial one",
                     me->id, r, w, threads);
        /* An error of this thread's own, whose message names this thread's value:
         * another thread's concurrent calls must not change it. */
        ng_options bad = NG_OPTIONS_INIT;
        bad.edge_order = 100 + me->id;
        char want[64];
        snprintf(want, sizeof want, "options->edge_order is %d;", 100 + me->id);
        if (!me->failure[0] && ng_gradient(&c->in.a, &bad, NULL, 0) != NG_ERR_EDGE_ORDER)
            snprintf(me->failure, sizeof me->failure, "thread %d: bad edge_order accepted", me->id);
        for (int spin = 0; spin < 50 && !me->failure[0]; ++spin)
            if (!strstr(ng_last_error(), want))
                snprintf(me->failure, sizeof me->failure, "thread %d sees message \"%s\"", me->id,
                         ng_last_error());
    }
    for (int w = 0; w < NCASES; ++w)
        for (int i = 0; i < cases[w].k; ++i)
            tarray_free(&out[w][i]);
    return NULL;
}

static void eight_pthreads_at_once(void **state) {
    (void)state;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t tid[NTHREADS];
    worker workers[NTHREADS];
    for (int t = 0; t < NTHREADS; ++t) {
        workers[t] = (worker){t, &start, "", 0};
        assert_int_equal(pthread_create(&tid[t], NULL, work, &workers[t]), 0);
    }
    long calls = 0;
    for (int t = 0; t < NTHREADS; ++t) {
        pthread_join(tid[t], NULL);
        calls += workers[t].calls;
    }
    pthread_barrier_destroy(&start);
    for (int t = 0; t < NTHREADS; ++t)
        if (workers[t].failure[0])
            fail_msg("%s", workers[t].failure);
    assert_int_equal(calls, (long)NTHREADS * rounds);
    print_message("%ld concurrent calls from %d threads, all bitwise equal to the serial ones\n",
                  calls, NTHREADS);
}

/* The caller's own OpenMP team, each member calling with every thread setting: the
 * library must stay on the calling thread and give the serial bits. */
static void calls_from_an_openmp_region(void **state) {
    (void)state;
#ifdef _OPENMP
    int failures = 0, calls = 0;
    const int members = 4;
#pragma omp parallel num_threads(members) reduction(+ : failures, calls)
    {
        const int me = omp_get_thread_num();
        tarray out[NCASES][MAXK];
        for (int w = 0; w < NCASES; ++w)
            make_outputs(&cases[w], out[w]);
        const int n = rounds / 2 + 1;
        for (int r = 0; r < n; ++r) {
            const int w = (me * 5 + r) % NCASES;
            const gcase *c = &cases[w];
            for (int i = 0; i < c->k; ++i)
                tarray_poison(&out[w][i]);
            failures += run(c, r % 3, out[w]) != NG_OK || !same(c, out[w]);
            ++calls;
        }
        /* A worksharing loop over the cases too: calls from inside an omp for. */
#pragma omp for schedule(dynamic)
        for (int w = 0; w < NCASES; ++w) {
            for (int i = 0; i < cases[w].k; ++i)
                tarray_poison(&out[w][i]);
            failures += run(&cases[w], 2, out[w]) != NG_OK || !same(&cases[w], out[w]);
            ++calls;
        }
        for (int w = 0; w < NCASES; ++w)
            for (int i = 0; i < cases[w].k; ++i)
                tarray_free(&out[w][i]);
    }
    assert_int_equal(failures, 0);
    print_message("%d calls from inside an OpenMP region, all bitwise equal\n", calls);
#else
    skip();
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eight_pthreads_at_once),
        cmocka_unit_test(calls_from_an_openmp_region),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
