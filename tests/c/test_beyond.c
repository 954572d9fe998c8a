/* Beyond numpy: halo and periodic boundaries, accuracy orders 4-8, strict coordinates.
 * Oracles: numpy's own formulas (a halo sub-box must reproduce the single-array result
 * bit for bit; a periodic array must reproduce the interior of its wrapped padding),
 * exactness on polynomials, and measured orders of convergence. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support.h"

static void must(int32_t status) {
    if (status != NG_OK)
        fail_msg("ng_gradient: %s: %s", ng_status_string(status), ng_last_error());
}

/* A view of a box of `whole` starting at `start`, with `whole`'s strides. */
static ng_array box(const tarray *whole, const int64_t *start, const int64_t *extent) {
    int64_t off = 0;
    for (int j = 0; j < whole->a.ndim; ++j)
        off += start[j] * whole->strides[j];
    ng_array a = {whole->a.dtype, whole->a.ndim, extent, whole->strides,
                  (unsigned char *)whole->a.data + off * ng_dtype_size(whole->a.dtype)};
    return a;
}

static void fill_noise(tarray *t, unsigned seed) {
    int64_t idx[NG_MAX_NDIM];
    const int64_t n = tarray_size(t);
    for (int64_t p = 0; p < n; ++p) {
        unravel(t->a.ndim, t->shape, p, idx);
        const unsigned v = (unsigned)(p + 1) * 2654435761u + seed;
        tarray_set(t, idx, (double)(v % 2000) / 16.0 - 60.0, (double)(v % 37) - 18.0);
    }
}

/* Splits dims 0 and 1 of a 3-D array into 3 x 2 "ranks" with one ghost layer on every
 * inner side (halo mode), and checks every rank's owned cells against the gradient of
 * the whole array, bit for bit: what an MPI code gets from numgrad's halo mode. */
static void halo_boxes_reproduce_the_whole_array(void **state) {
    (void)state;
    const int32_t dtypes[4] = {NG_FLOAT64, NG_FLOAT32, NG_COMPLEX128, NG_INT16};
    const int64_t shape[3] = {10, 9, 7};
    grid g1;
    grid_make(&g1, 9, 0.4, 1);
    for (int t = 0; t < 4; ++t)
        for (int eo = 1; eo <= 2; ++eo) {
            tarray whole, ref[3];
            tarray_make(&whole, dtypes[t], 3, shape, 0);
            fill_noise(&whole, (unsigned)t);
            const int32_t odt = ng_result_dtype(dtypes[t]);
            ng_array refs[3];
            for (int i = 0; i < 3; ++i)
                tarray_make(&ref[i], odt, 3, shape, 0), refs[i] = ref[i].a;
            ng_spacing sp[3] = {{NG_SPACING_SCALAR, 0, 0.3, NULL, 0},
                                {NG_SPACING_COORDS, 0, 0, g1.x, 9},
                                {NG_SPACING_UNIT, 0, 0, NULL, 0}};
            ng_options opt = NG_OPTIONS_INIT;
            opt.spacing = sp, opt.nspacing = 3, opt.edge_order = eo;
            must(ng_gradient(&whole.a, &opt, refs, 3));

            const int64_t cut0[4] = {0, 3, 7, 10}, cut1[3] = {0, 5, 9}; /* owned ranges */
            for (int r0 = 0; r0 < 3; ++r0)
                for (int r1 = 0; r1 < 2; ++r1) {
                    const int64_t lo0 = cut0[r0] - (r0 > 0), hi0 = cut0[r0 + 1] + (r0 < 2);
                    const int64_t lo1 = cut1[r1] - (r1 > 0), hi1 = cut1[r1 + 1] + (r1 < 1);
                    const int64_t start[3] = {lo0, lo1, 0}, ext[3] = {hi0 - lo0, hi1 - lo1, 7};
                    const int64_t own[3] = {cut0[r0 + 1] - cut0[r0], cut1[r1 + 1] - cut1[r1], 7};
                    ng_array local = box(&whole, start, ext);
                    ng_boundary b[3] = {{r0 > 0 ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE,
                                         r0 < 2 ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE, 0},
                                        {r1 > 0 ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE,
                                         r1 < 1 ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE, 0},
                                        {NG_BOUNDARY_EDGE, NG_BOUNDARY_EDGE, 0}};
                    ng_spacing lsp[3] = {sp[0], {NG_SPACING_COORDS, 0, 0, g1.x + lo1, ext[1]}, sp[2]};
                    ng_options lopt = opt;
                    lopt.spacing = lsp, lopt.boundary = b, lopt.nboundary = 3, lopt.threads = 1 + r1;
                    tarray out[3];
                    ng_array outs[3];
                    for (int i = 0; i < 3; ++i)
                        tarray_make(&out[i], odt, 3, own, (unsigned)i), outs[i] = out[i].a;
                    must(ng_gradient(&local, &lopt, outs, 3));
                    const int64_t ostart[3] = {cut0[r0], cut1[r1], 0};
                    for (int i = 0; i < 3; ++i) {
                        tarray view = ref[i];
                        view.a = box(&ref[i], ostart, own);
                        memcpy(view.shape, own, sizeof own);
                        if (!tarray_same_bits(&view, &out[i]))
                            fail_msg("dtype %d edge_order %d rank (%d,%d): output %d differs from the "
                                     "whole array's gradient", dtypes[t], eo, r0, r1, i);
                        tarray_free(&out[i]);
                    }
                }
            tarray_free(&whole);
            for (int i = 0; i < 3; ++i)
                tarray_free(&ref[i]);
        }
    grid_free(&g1);
}

/* A periodic line equals the interior of its wrapped padding [f[n-1], f..., f[0]] under
 * numpy's formulas, for uniform spacing and for coordinates with a period. */
static void periodic_equals_wrapped_padding(void **state) {
    (void)state;
    const int64_t n = 11;
    const double period = 7.5;
    grid g;
    grid_make(&g, n, period / (double)n, 1);
    for (int coords = 0; coords <= 1; ++coords)
        for (int t = 0; t < 2; ++t) {
            const int32_t dtype = t ? NG_COMPLEX64 : NG_FLOAT64;
            const int64_t shape[2] = {3, n}, padded_shape[2] = {3, n + 2};
            tarray f, pad, out, pout;
            tarray_make(&f, dtype, 2, shape, 0);
            tarray_make(&pad, dtype, 2, padded_shape, 0);
            tarray_make(&out, dtype, 2, shape, T_FORTRAN);
            tarray_make(&pout, dtype, 2, padded_shape, 0);
            fill_noise(&f, 7);
            for (int64_t r = 0; r < 3; ++r)
                for (int64_t j = -1; j <= n; ++j) {
                    double re, im;
                    const int64_t src[2] = {r, (j + n) % n}, dst[2] = {r, j + 1};
                    tarray_get(&f, src, &re, &im);
                    tarray_set(&pad, dst, re, im);
                }
            double xp[13];
            for (int64_t j = -1; j <= n; ++j)
                xp[j + 1] = j < 0 ? g.x[n - 1] - period : j == n ? g.x[0] + period : g.x[j];
            const int32_t dim1[1] = {1};
            ng_spacing sp = coords ? (ng_spacing){NG_SPACING_COORDS, 0, 0, g.x, n}
                                   : (ng_spacing){NG_SPACING_SCALAR, 0, 0.7, NULL, 0};
            ng_spacing psp = coords ? (ng_spacing){NG_SPACING_COORDS, 0, 0, xp, n + 2} : sp;
            ng_boundary b = {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, coords ? period : 0};
            ng_options opt = NG_OPTIONS_INIT;
            opt.dims = dim1, opt.ndims = 1, opt.spacing = &sp, opt.nspacing = 1;
            opt.boundary = &b, opt.nboundary = 1;
            must(ng_gradient(&f.a, &opt, &out.a, 1));
            ng_options popt = NG_OPTIONS_INIT;
            popt.dims = dim1, popt.ndims = 1, popt.spacing = &psp, popt.nspacing = 1;
            must(ng_gradient(&pad.a, &popt, &pout.a, 1));
            const int64_t one[2] = {0, 1};
            tarray inner = pout;
            inner.a = box(&pout, one, shape);
            memcpy(inner.shape, shape, sizeof shape);
            if (!tarray_same_bits(&inner, &out))
                fail_msg("periodic %s dtype %d differs from the wrapped padding",
                         coords ? "coordinates" : "spacing", dtype);
            tarray_free(&f), tarray_free(&pad), tarray_free(&out), tarray_free(&pout);
        }
    grid_free(&g);
}

/* Max error of d/dx of sin(6x) + cos(5x) on n samples over [0, 1.5], or of sin(x) + cos(2x)
 * over one period [0, 2 pi) (periodic), on a uniform or a stretched grid. */
static double error_at(int accuracy, int n, int stretched, int periodic, double *h) {
    const double L = 2 * 3.14159265358979323846; /* periodic: one period of sin(x) */
    double *x = malloc(sizeof(double) * (size_t)n), *f = malloc(sizeof(double) * (size_t)n),
           *g = malloc(sizeof(double) * (size_t)n);
    *h = 0;
    for (int i = 0; i < n; ++i) {
        const double s = periodic ? (double)i / n : (double)i / (n - 1);
        x[i] = (periodic ? L : 1.5) * (s - (stretched ? 0.3 * sin(2 * 3.14159265358979323846 * s) /
                                                            (2 * 3.14159265358979323846)
                                                      : 0.0));
        f[i] = periodic ? sin(x[i]) + cos(2 * x[i]) : sin(6 * x[i]) + cos(5 * x[i]);
    }
    for (int i = 0; i + 1 < n; ++i)
        *h = fmax(*h, x[i + 1] - x[i]);
    const int64_t shape = n;
    ng_array in = {NG_FLOAT64, 1, &shape, NULL, f}, out = {NG_FLOAT64, 1, &shape, NULL, g};
    ng_spacing sp = {NG_SPACING_COORDS, 0, 0, x, n};
    ng_boundary b = {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, L};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = &sp, opt.nspacing = 1, opt.accuracy = accuracy, opt.edge_order = 2;
    if (periodic)
        opt.boundary = &b, opt.nboundary = 1;
    must(ng_gradient(&in, &opt, &out, 1));
    double err = 0;
    for (int i = 0; i < n; ++i) {
        const double exact = periodic ? cos(x[i]) - 2 * sin(2 * x[i]) : 6 * cos(6 * x[i]) - 5 * sin(5 * x[i]);
        err = fmax(err, fabs(g[i] - exact));
    }
    free(x), free(f), free(g);
    return err;
}

static void accuracy_orders_converge(void **state) {
    (void)state;
    /* Coarse grids (then twice as fine) in the asymptotic range, with errors far above
     * rounding: [periodic][stretched][accuracy/2 - 1]. */
    const int coarse[2][2][4] = {{{64, 64, 96, 96}, {64, 64, 96, 48}}, {{32, 32, 48, 48}, {32, 32, 48, 48}}};
    for (int a = 0; a < 4; ++a)
        for (int stretched = 0; stretched <= 1; ++stretched)
            for (int periodic = 0; periodic <= 1; ++periodic) {
                const int acc = 2 + 2 * a;
                double h1, h2;
                const int n = coarse[periodic][stretched][a];
                const double e1 = error_at(acc, n, stretched, periodic, &h1);
                const double e2 = error_at(acc, 2 * n, stretched, periodic, &h2);
                const double order = log(e1 / e2) / log(h1 / h2);
                if (!(fabs(order - acc) <= 0.2))
                    fail_msg("accuracy %d (%s, %s): measured order %.3f (errors %.3g, %.3g)", acc,
                             stretched ? "stretched" : "uniform", periodic ? "periodic" : "edges",
                             order, e1, e2);
            }
}

/* Accuracy p differentiates polynomials of degree p exactly, boundaries included. */
static void accuracy_orders_are_exact_on_polynomials(void **state) {
    (void)state;
    for (int acc = 4; acc <= 8; acc += 2)
        for (int stretched = 0; stretched <= 1; ++stretched) {
            const int64_t n = 14;
            grid g;
            grid_make(&g, n, 0.25, stretched);
            double f[14], d[14];
            for (int i = 0; i < n; ++i)
                f[i] = pow(g.x[i], acc) - 3 * g.x[i];
            ng_array in = {NG_FLOAT64, 1, &n, NULL, f}, out = {NG_FLOAT64, 1, &n, NULL, d};
            ng_spacing sp = stretched ? (ng_spacing){NG_SPACING_COORDS, 0, 0, g.x, n}
                                      : (ng_spacing){NG_SPACING_SCALAR, 0, 0.25, NULL, 0};
            ng_options opt = NG_OPTIONS_INIT;
            opt.spacing = &sp, opt.nspacing = 1, opt.accuracy = acc;
            must(ng_gradient(&in, &opt, &out, 1));
            for (int i = 0; i < n; ++i) {
                const double exact = acc * pow(g.x[i], acc - 1) - 3;
                if (!(fabs(d[i] - exact) <= 1e-9 * (1 + fabs(exact))))
                    fail_msg("accuracy %d %s at %d: got %.17g want %.17g", acc,
                             stretched ? "stretched" : "uniform", i, d[i], exact);
            }
            grid_free(&g);
        }
}

static void general_kernel_is_thread_invariant(void **state) {
    (void)state;
    const int64_t shape[3] = {40, 48, 36};
    tarray in, a[3], b[3];
    tarray_make(&in, NG_FLOAT64, 3, shape, 0);
    fill_noise(&in, 3);
    ng_boundary bd[3] = {{NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, 0},
                         {NG_BOUNDARY_HALO, NG_BOUNDARY_EDGE, 0},
                         {NG_BOUNDARY_EDGE, NG_BOUNDARY_HALO, 0}};
    const int64_t own[3] = {40, 46, 34};
    ng_array oa[3], ob[3];
    for (int i = 0; i < 3; ++i) {
        tarray_make(&a[i], NG_FLOAT64, 3, own, 0), oa[i] = a[i].a;
        tarray_make(&b[i], NG_FLOAT64, 3, own, 0), ob[i] = b[i].a;
    }
    ng_options opt = NG_OPTIONS_INIT;
    opt.boundary = bd, opt.nboundary = 3, opt.accuracy = 4, opt.threads = 1;
    must(ng_gradient(&in.a, &opt, oa, 3));
    opt.threads = 2;
    must(ng_gradient(&in.a, &opt, ob, 3));
    for (int i = 0; i < 3; ++i) {
        assert_true(tarray_same_bits(&a[i], &b[i]));
        tarray_free(&a[i]), tarray_free(&b[i]);
    }
    tarray_free(&in);
}

/* Errors of the new options: status, message, untouched outputs. */
typedef struct bad {
    const char *name;
    int32_t status;
    const char *says;
    int accuracy, strict, nboundary, nspacing, noutput_trim;
    ng_boundary boundary;
    ng_spacing spacing;
} bad;

static void new_options_refuse_bad_values(void **state) {
    (void)state;
    static double x_dup[6] = {0, 1, 1, 2, 3, 4}, x_nan[6] = {0, 1, NAN, 3, 4, 5},
                  x_down[6] = {0, 1, 2, 1.5, 4, 5}, x_ok[6] = {0, 1, 2, 3, 4, 5};
    const ng_boundary edge = {0, 0, 0}, halo = {NG_BOUNDARY_HALO, NG_BOUNDARY_HALO, 0};
    const ng_spacing unit = {0, 0, 0, NULL, 0};
    const bad cases[] = {
        {"accuracy 3", NG_ERR_ACCURACY, "options->accuracy is 3", 3, 0, 0, 0, 0, edge, unit},
        {"accuracy 10", NG_ERR_ACCURACY, "options->accuracy is 10", 10, 0, 0, 0, 0, edge, unit},
        {"accuracy -2", NG_ERR_ACCURACY, "options->accuracy is -2", -2, 0, 0, 0, 0, edge, unit},
        {"accuracy 8 on 6 samples", NG_ERR_TOO_FEW_POINTS, "accuracy 8 with its boundaries needs at least 9",
         8, 0, 0, 0, 0, edge, unit},
        {"nboundary 2", NG_ERR_BOUNDARY, "options->nboundary is 2", 2, 0, 2, 0, 0, edge, unit},
        {"boundary mode 3", NG_ERR_BOUNDARY, "options->boundary[0].upper is 3", 2, 0, 1, 0, 0,
         {0, 3, 0}, unit},
        {"periodic one side", NG_ERR_BOUNDARY, "periodic on one side only", 2, 0, 1, 0, 0,
         {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_HALO, 0}, unit},
        {"periodic coords without period", NG_ERR_BOUNDARY, "has no period", 2, 0, 1, 1, 0,
         {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, 0}, {NG_SPACING_COORDS, 0, 0, x_ok, 6}},
        {"period with a scalar spacing", NG_ERR_BOUNDARY, "only periodic coordinates take a period",
         2, 0, 1, 1, 0, {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, 3.0},
         {NG_SPACING_SCALAR, 0, 0.5, NULL, 0}},
        {"halo output not trimmed", NG_ERR_OUTPUT_SHAPE, "must be 4: input->shape[0] is 6, less its halo",
         2, 0, 1, 0, 0, halo, unit},
        {"strict duplicate coords", NG_ERR_COORDINATES, "not strictly monotonic: coords[1] = 1, coords[2] = 1",
         2, 1, 0, 1, 0, edge, {NG_SPACING_COORDS, 0, 0, x_dup, 6}},
        {"strict nan coords", NG_ERR_COORDINATES, "coords[2] is nan", 2, 1, 0, 1, 0, edge,
         {NG_SPACING_COORDS, 0, 0, x_nan, 6}},
        {"strict turning coords", NG_ERR_COORDINATES, "coords[2] = 2, coords[3] = 1.5", 2, 1, 0, 1, 0, edge,
         {NG_SPACING_COORDS, 0, 0, x_down, 6}},
        {"strict zero spacing", NG_ERR_COORDINATES, "options->spacing[0].h is 0", 2, 1, 0, 1, 0, edge,
         {NG_SPACING_SCALAR, 0, 0.0, NULL, 0}},
        {"strict inf spacing", NG_ERR_COORDINATES, "options->spacing[0].h is inf", 2, 1, 0, 1, 0, edge,
         {NG_SPACING_SCALAR, 0, INFINITY, NULL, 0}},
        {"strict backwards period", NG_ERR_COORDINATES, "options->boundary[0].period is -1", 2, 1, 1, 1, 0,
         {NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, -1.0}, {NG_SPACING_COORDS, 0, 0, x_ok, 6}},
    };
    const int64_t n = 6;
    const double f[6] = {1, 4, 2, 8, 5, 7};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        tarray out;
        tarray_make(&out, NG_FLOAT64, 1, &n, 0);
        tarray_poison(&out);
        ng_array in = {NG_FLOAT64, 1, &n, NULL, (void *)f};
        ng_options opt = NG_OPTIONS_INIT;
        opt.accuracy = cases[c].accuracy, opt.strict = cases[c].strict;
        opt.boundary = &cases[c].boundary, opt.nboundary = cases[c].nboundary;
        opt.spacing = &cases[c].spacing, opt.nspacing = cases[c].nspacing;
        assert_refused(cases[c].name, ng_gradient(&in, &opt, &out.a, 1), cases[c].status,
                       cases[c].says);
        if (!tarray_poisoned(&out))
            fail_msg("%s: the output was written", cases[c].name);
        tarray_free(&out);
    }
    /* Not strict: the same degenerate coordinates give numpy's inf and nan. */
    const int64_t n6 = 6;
    double g[6];
    ng_array in = {NG_FLOAT64, 1, &n6, NULL, (void *)f}, out = {NG_FLOAT64, 1, &n6, NULL, g};
    ng_spacing sp = {NG_SPACING_COORDS, 0, 0, x_dup, 6};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = &sp, opt.nspacing = 1;
    must(ng_gradient(&in, &opt, &out, 1));
    assert_true(isnan(g[1]) || isinf(g[1]));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(halo_boxes_reproduce_the_whole_array),
        cmocka_unit_test(periodic_equals_wrapped_padding),
        cmocka_unit_test(accuracy_orders_converge),
        cmocka_unit_test(accuracy_orders_are_exact_on_polynomials),
        cmocka_unit_test(general_kernel_is_thread_invariant),
        cmocka_unit_test(new_options_refuse_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
