/* Thread counts never change a bit of the result: 1 thread, N threads, the default,
 * and calls made from inside the caller's own OpenMP parallel region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support.h"

static const int64_t shape[3] = {48, 40, 36}; /* above the library's parallel threshold */

static void gradient_with(const tarray *in, int threads, tarray *out) {
    ng_spacing sp[3] = {{NG_SPACING_SCALAR, 0, 0.3, NULL, 0},
                        {NG_SPACING_UNIT, 0, 0, NULL, 0},
                        {NG_SPACING_SCALAR, 0, 1.7, NULL, 0}};
    double *x = malloc(40 * sizeof(double));
    for (int i = 0; i < 40; ++i)
        x[i] = i + 0.3 * (i % 3);
    sp[1] = (ng_spacing){NG_SPACING_COORDS, 0, 0, x, 40};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = sp, opt.nspacing = 3, opt.edge_order = 2, opt.threads = threads;
    ng_array outs[3] = {out[0].a, out[1].a, out[2].a};
    const int32_t status = ng_gradient(&in->a, &opt, outs, 3);
    free(x);
    if (status != NG_OK)
        fail_msg("%s", ng_last_error());
}

static void fill(tarray *in, unsigned flags) {
    tarray_make(in, NG_FLOAT64, 3, shape, flags);
    int64_t idx[3];
    for (int64_t p = 0; p < 48 * 40 * 36; ++p) {
        unravel(3, shape, p, idx);
        tarray_set(in, idx, (double)((p * 2654435761u) % 1000) / 7.0, 0);
    }
}

static void make_outputs(tarray *out) {
    for (int i = 0; i < 3; ++i)
        tarray_make(&out[i], NG_FLOAT64, 3, shape, 0);
}

static void free_all(tarray *out, int n) {
    for (int i = 0; i < n; ++i)
        tarray_free(&out[i]);
}

static void thread_counts_agree_bitwise(void **state) {
    (void)state;
    for (unsigned flags = 0; flags < 2; ++flags) { /* C and Fortran order */
        tarray in, serial[3], other[3];
        fill(&in, flags ? T_FORTRAN : 0);
        make_outputs(serial);
        gradient_with(&in, 1, serial);
        const int counts[4] = {0, 2, 3, 7};
        for (int c = 0; c < 4; ++c) {
            make_outputs(other);
            gradient_with(&in, counts[c], other);
            for (int i = 0; i < 3; ++i)
                if (!tarray_same_bits(&serial[i], &other[i]))
                    fail_msg("threads=%d changed output %d (flags %u)", counts[c], i, flags);
            free_all(other, 3);
        }
        free_all(serial, 3);
        tarray_free(&in);
    }
}

static void calls_from_inside_a_parallel_region(void **state) {
    (void)state;
    enum { CALLERS = 4 };
    tarray in, serial[3], mine[CALLERS][3];
    fill(&in, 0);
    make_outputs(serial);
    gradient_with(&in, 1, serial);
    for (int t = 0; t < CALLERS; ++t)
        make_outputs(mine[t]);
    int failures = 0;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(CALLERS) reduction(+ : failures)
#endif
    for (int t = 0; t < CALLERS; ++t) {
        gradient_with(&in, t, mine[t]); /* the library must stay on the caller's thread */
        for (int i = 0; i < 3; ++i)
            failures += !tarray_same_bits(&serial[i], &mine[t][i]);
    }
    assert_int_equal(failures, 0);
    for (int t = 0; t < CALLERS; ++t)
        free_all(mine[t], 3);
    free_all(serial, 3);
    tarray_free(&in);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thread_counts_agree_bitwise),
        cmocka_unit_test(calls_from_inside_a_parallel_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
