/* The reference values of SEMANTICS.md (taken from the seed documents, corrected where
 * the seed is wrong), each computed through the public ABI. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "numgrad.h"

/* Differentiates a contiguous float64 array of `ndim` dims into k contiguous outputs. */
static void grad64(const double *f, int ndim, const int64_t *shape, const int32_t *dims, int k,
                   const ng_spacing *spacing, int nspacing, int edge_order, double *out) {
    int64_t size = 1;
    for (int j = 0; j < ndim; ++j)
        size *= shape[j];
    ng_array in = {NG_FLOAT64, ndim, shape, NULL, (void *)f};
    ng_array outs[4];
    for (int i = 0; i < k; ++i)
        outs[i] = (ng_array){NG_FLOAT64, ndim, shape, NULL, out + i * size};
    ng_options opt = NG_OPTIONS_INIT;
    opt.dims = dims;
    opt.ndims = dims ? k : 0;
    opt.spacing = spacing;
    opt.nspacing = nspacing;
    opt.edge_order = edge_order;
    int32_t status = ng_gradient(&in, &opt, outs, k);
    if (status != NG_OK)
        fail_msg("ng_gradient: %s: %s", ng_status_string(status), ng_last_error());
}

static void assert_close(const double *got, const double *want, int n) {
    for (int i = 0; i < n; ++i)
        if (!(fabs(got[i] - want[i]) <= 1e-12 * (1.0 + fabs(want[i]))))
            fail_msg("element %d: got %.17g, want %.17g", i, got[i], want[i]);
}

static ng_spacing coords(const double *x, int64_t n) {
    ng_spacing s = {NG_SPACING_COORDS, 0, 0.0, x, n};
    return s;
}

static ng_spacing scalar(double h) {
    ng_spacing s = {NG_SPACING_SCALAR, 0, h, NULL, 0};
    return s;
}

static const int64_t shape_t[2] = {2, 4};
static const double t[8] = {1, 2, 4, 8, 10, 20, 40, 80};
static const int32_t both[2] = {0, 1};

static void coordinates_1d(void **state) {
    (void)state;
    const double x[4] = {-2, -1, 1, 4}, f[4] = {4, 1, 1, 16}, want[4] = {-3, -2, 2, 5};
    const int64_t n = 4;
    ng_spacing s = coords(x, 4);
    double out[4];
    grad64(f, 1, &n, NULL, 1, &s, 1, 1, out);
    assert_close(out, want, 4);
}

static void unit_spacing_2d(void **state) {
    (void)state;
    const double want[16] = {9, 18, 36, 72, 9, 18, 36, 72, 1, 1.5, 3, 4, 10, 15, 30, 40};
    double out[16];
    grad64(t, 2, shape_t, NULL, 2, NULL, 0, 1, out);
    assert_close(out, want, 16);
}

static void scalar_spacing_2d(void **state) {
    (void)state;
    const double want[16] = {4.5, 9, 18, 36, 4.5, 9, 18, 36, 0.5, 0.75, 1.5, 2, 5, 7.5, 15, 20};
    ng_spacing s = scalar(2.0);
    double out[16];
    grad64(t, 2, shape_t, both, 2, &s, 1, 1, out);
    assert_close(out, want, 16);
}

static void per_dim_spacing_2d(void **state) {
    (void)state;
    /* spacing=[3., 2.]: dim0 scale 3, dim1 scale 2 (the seed's printed output is wrong). */
    const double want[16] = {3, 6, 12, 24, 3, 6, 12, 24, 0.5, 0.75, 1.5, 2, 5, 7.5, 15, 20};
    ng_spacing s[2] = {scalar(3.0), scalar(2.0)};
    double out[16];
    grad64(t, 2, shape_t, both, 2, s, 2, 1, out);
    assert_close(out, want, 16);
}

static void coordinate_spacing_2d(void **state) {
    (void)state;
    const double x0[2] = {0, 2}, x1[4] = {0, 3, 6, 9};
    const double want[16] = {4.5, 9, 18, 36, 4.5, 9, 18, 36,
                             1.0 / 3, 0.5, 1, 4.0 / 3, 10.0 / 3, 5, 10, 40.0 / 3};
    ng_spacing s[2] = {coords(x0, 2), coords(x1, 4)};
    double out[16];
    grad64(t, 2, shape_t, both, 2, s, 2, 1, out);
    assert_close(out, want, 16);
}

static void scalar_spacing_1d(void **state) {
    (void)state;
    const double y[4] = {0, 0.25, 1, 2.25}, want[4] = {0.5, 1, 2, 2.5};
    const int64_t n = 4;
    ng_spacing s = scalar(0.5);
    double out[4];
    grad64(y, 1, &n, NULL, 1, &s, 1, 1, out);
    assert_close(out, want, 4);
}

static void nonuniform_both_edge_orders(void **state) {
    (void)state;
    const double x[6] = {0, 1, 1.5, 3.5, 4, 6}, f[6] = {1, 2, 4, 7, 11, 16};
    const double want1[6] = {1, 3, 3.5, 6.7, 6.9, 2.5}, want2[6] = {-1, 3, 3.5, 6.7, 6.9, -1.9};
    const int64_t n = 6;
    ng_spacing s = coords(x, 6);
    double out[6];
    grad64(f, 1, &n, NULL, 1, &s, 1, 1, out);
    assert_close(out, want1, 6);
    grad64(f, 1, &n, NULL, 1, &s, 1, 2, out);
    assert_close(out, want2, 6);
}

static void integers_never_wrap(void **state) {
    (void)state;
    const int8_t i8[3] = {-100, 100, -100};
    const uint8_t u8[5] = {5, 4, 3, 2, 1};
    const double want_i8[3] = {200, 0, -200}, want_u8[5] = {-1, -1, -1, -1, -1};
    const int64_t n3 = 3, n5 = 5;
    double out[5];
    ng_array in = {NG_INT8, 1, &n3, NULL, (void *)i8};
    ng_array o = {NG_FLOAT64, 1, &n3, NULL, out};
    assert_int_equal(ng_gradient(&in, NULL, &o, 1), NG_OK);
    assert_close(out, want_i8, 3);
    in = (ng_array){NG_UINT8, 1, &n5, NULL, (void *)u8};
    o = (ng_array){NG_FLOAT64, 1, &n5, NULL, out};
    assert_int_equal(ng_gradient(&in, NULL, &o, 1), NG_OK);
    assert_close(out, want_u8, 5);
}

static void degenerate_coordinates_give_numpys_nan(void **state) {
    (void)state;
    const double x[4] = {0, 1, 1, 2}, f[4] = {0, 1, 2, 5};
    const int64_t n = 4;
    ng_spacing s = coords(x, 4);
    double out[4];
    grad64(f, 1, &n, NULL, 1, &s, 1, 1, out);
    assert_true(out[0] == 1.0 && out[3] == 3.0);
    assert_true(isnan(out[1]) && isnan(out[2]));
}

static void zero_dim_input_and_empty_dim_list_give_no_results(void **state) {
    (void)state;
    const double v = 3.0;
    ng_array in = {NG_FLOAT64, 0, NULL, NULL, (void *)&v};
    assert_int_equal(ng_gradient(&in, NULL, NULL, 0), NG_OK);
    const int32_t none[1] = {0};
    ng_options opt = NG_OPTIONS_INIT;
    opt.dims = none;
    opt.ndims = 0;
    ng_array in2 = {NG_FLOAT64, 2, shape_t, NULL, (void *)t};
    assert_int_equal(ng_gradient(&in2, &opt, NULL, 0), NG_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coordinates_1d),
        cmocka_unit_test(unit_spacing_2d),
        cmocka_unit_test(scalar_spacing_2d),
        cmocka_unit_test(per_dim_spacing_2d),
        cmocka_unit_test(coordinate_spacing_2d),
        cmocka_unit_test(scalar_spacing_1d),
        cmocka_unit_test(nonuniform_both_edge_orders),
        cmocka_unit_test(integers_never_wrap),
        cmocka_unit_test(degenerate_coordinates_give_numpys_nan),
        cmocka_unit_test(zero_dim_input_and_empty_dim_list_give_no_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
