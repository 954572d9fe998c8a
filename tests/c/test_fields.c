/* Analytic fields in 1-D to 5-D: linear fields are exact everywhere, quadratic fields
 * exact in the interior and, with edge_order 2, at the edges. Every scenario also runs
 * in another layout (Fortran order, negative strides, non-contiguous views, stacked and
 * interleaved output buffers, thread counts) and must give bitwise identical results. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "support.h"

enum { SP_NONE, SP_ONE_SCALAR, SP_PER_DIM_SCALAR, SP_PER_DIM_COORDS, SP_MIXED, SP_FORMS };
enum { OUT_SEPARATE, OUT_SLABS, OUT_INTERLEAVED };

typedef struct scenario {
    int32_t dtype;
    int ndim;
    int64_t shape[NG_MAX_NDIM];
    int k;              /* dims differentiated; 0 with all_dims means all */
    int all_dims;       /* options.dims = NULL */
    int32_t dims[NG_MAX_NDIM];
    int spacing_form;
    int edge_order;
    int quadratic;
    unsigned in_flags;
    int out_kind;
    unsigned out_flags; /* for OUT_SEPARATE */
    int threads;
} scenario;

/* Outputs of one run: k views, owned buffers. */
typedef struct results {
    int k;
    tarray owner[NG_MAX_NDIM]; /* OUT_SEPARATE: one each; otherwise owner[0] is the stack */
    tarray view[NG_MAX_NDIM];
} results;

static void make_outputs(const scenario *s, results *r) {
    const int32_t odt = ng_result_dtype(s->dtype);
    r->k = s->k;
    memset(r->owner, 0, sizeof r->owner);
    if (s->out_kind == OUT_SEPARATE) {
        for (int i = 0; i < s->k; ++i)
            tarray_make(&r->owner[i], odt, s->ndim, s->shape, s->out_flags), r->view[i] = r->owner[i];
        return;
    }
    int64_t big[NG_MAX_NDIM + 1];
    const int n = s->ndim;
    if (s->out_kind == OUT_SLABS) { /* (k, shape...) */
        big[0] = s->k;
        memcpy(big + 1, s->shape, sizeof(int64_t) * (size_t)n);
    } else { /* (shape..., k): output i is stack[..., i] */
        memcpy(big, s->shape, sizeof(int64_t) * (size_t)n);
        big[n] = s->k;
    }
    tarray_make(&r->owner[0], odt, n + 1, big, 0);
    const int64_t w = ng_dtype_size(odt);
    for (int i = 0; i < s->k; ++i) {
        tarray *v = &r->view[i];
        memset(v, 0, sizeof *v);
        memcpy(v->shape, s->shape, sizeof(int64_t) * (size_t)n);
        const int64_t *st = r->owner[0].strides;
        unsigned char *base = r->owner[0].a.data;
        if (s->out_kind == OUT_SLABS)
            memcpy(v->strides, st + 1, sizeof(int64_t) * (size_t)n), base += i * st[0] * w;
        else
            memcpy(v->strides, st, sizeof(int64_t) * (size_t)n), base += i * st[n] * w;
        v->a = (ng_array){odt, n, v->shape, v->strides, base};
    }
}

static void free_outputs(results *r) {
    for (int i = 0; i < NG_MAX_NDIM; ++i)
        if (r->owner[i].buffer)
            tarray_free(&r->owner[i]);
}

/* Runs a scenario on a freshly filled input; fills r. Returns the analytic field. */
static void run(const scenario *s, const grid *grids, const field *f, results *r) {
    tarray in;
    tarray_make(&in, s->dtype, s->ndim, s->shape, s->in_flags);
    field_fill(f, &in);
    make_outputs(s, r);
    ng_spacing sp[NG_MAX_NDIM];
    int nsp = 0;
    for (int i = 0; i < s->k; ++i) {
        const int d = s->all_dims ? i : (s->dims[i] < 0 ? s->dims[i] + s->ndim : s->dims[i]);
        const grid *g = &grids[d];
        if (g->stretched || (s->spacing_form == SP_MIXED && i % 4 == 3))
            sp[i] = (ng_spacing){NG_SPACING_COORDS, 0, 0.0, g->x, g->n}; /* also uniform coords */
        else if (g->h == 1.0 && s->spacing_form == SP_MIXED)
            sp[i] = (ng_spacing){NG_SPACING_UNIT, 0, 0.0, NULL, 0};
        else
            sp[i] = (ng_spacing){NG_SPACING_SCALAR, 0, g->h, NULL, 0};
    }
    if (s->spacing_form == SP_ONE_SCALAR)
        nsp = s->k > 0 ? 1 : 0;
    else if (s->spacing_form != SP_NONE)
        nsp = s->k;
    ng_options opt = NG_OPTIONS_INIT;
    opt.dims = s->all_dims ? NULL : s->dims;
    opt.ndims = s->all_dims ? 0 : s->k;
    opt.spacing = sp;
    opt.nspacing = nsp;
    opt.edge_order = s->edge_order;
    opt.threads = s->threads;
    ng_array outs[NG_MAX_NDIM];
    for (int i = 0; i < s->k; ++i)
        outs[i] = r->view[i].a;
    const int32_t status = ng_gradient(&in.a, &opt, outs, s->k);
    if (status != NG_OK)
        fail_msg("ng_gradient: %s: %s", ng_status_string(status), ng_last_error());
    tarray_free(&in);
}

/* Grids of a scenario: per input dim, the spacing the form implies. */
static void make_grids(const scenario *s, grid *grids) {
    static const double hs[5] = {0.5, 0.25, 2.0, 0.125, 1.5};
    for (int d = 0; d < s->ndim; ++d) {
        double h = 1.0;
        int stretched = 0;
        switch (s->spacing_form) {
        case SP_NONE: break;
        case SP_ONE_SCALAR: h = 0.75; break;
        case SP_PER_DIM_SCALAR: h = hs[d]; break;
        case SP_PER_DIM_COORDS: h = hs[d], stretched = 1; break;
        case SP_MIXED: /* unit, stretched coords, scalar, uniform coords, ... */
            h = (d % 4 == 0) ? 1.0 : hs[d];
            stretched = d % 4 == 1;
            break;
        }
        grid_make(&grids[d], s->shape[d], h, stretched);
    }
}

static void check_analytic(const scenario *s, const grid *grids, const field *f, const results *r) {
    /* Rounding bound: a few eps of |f| over the smallest step, plus of the derivative. */
    double fbig = 0, dmin = INFINITY;
    int64_t idx[NG_MAX_NDIM];
    int64_t size = 1;
    for (int d = 0; d < s->ndim; ++d) {
        size *= s->shape[d];
        for (int64_t i = 0; i + 1 < grids[d].n; ++i)
            dmin = fmin(dmin, grids[d].x[i + 1] - grids[d].x[i]);
    }
    for (int64_t p = 0; p < size; ++p)
        unravel(s->ndim, s->shape, p, idx), fbig = fmax(fbig, fabs(field_value(f, idx)));
    const double eps = dtype_eps(s->dtype);
    for (int i = 0; i < s->k; ++i) {
        const int d = s->all_dims ? i : (s->dims[i] < 0 ? s->dims[i] + s->ndim : s->dims[i]);
        for (int64_t p = 0; p < size; ++p) {
            unravel(s->ndim, s->shape, p, idx);
            const int edge = idx[d] == 0 || idx[d] == s->shape[d] - 1;
            if (s->quadratic && edge && s->edge_order == 1)
                continue; /* first-order edges are not exact for a quadratic */
            const double want = field_derivative(f, d, idx);
            double re, im;
            tarray_get(&r->view[i], idx, &re, &im);
            const double tol = 64 * eps * (fbig / dmin + fabs(want));
            if (!(fabs(re - want) <= tol) ||
                (dtype_is_complex(s->dtype) && !(fabs(im + 0.5 * want) <= tol)))
                fail_msg("%s %d-d dims[%d]=%d form %d edge_order %d %s: at flat %lld got %.17g%+.17gi, "
                         "want %.17g (tol %.3g)",
                         ng_status_string(0), s->ndim, i, d, s->spacing_form, s->edge_order,
                         s->quadratic ? "quadratic" : "linear", (long long)p, re, im, want, tol);
        }
    }
}

static const int64_t shapes[5][5] = {
    {7}, {5, 6}, {4, 5, 3}, {3, 4, 3, 5}, {3, 3, 4, 3, 3},
};
static const int32_t dtypes[4] = {NG_FLOAT64, NG_FLOAT32, NG_COMPLEX128, NG_COMPLEX64};

/* Dims to differentiate: all (NULL), or a subset in a shuffled order with negatives. */
static void choose_dims(scenario *s, int variant) {
    s->all_dims = variant % 3 == 0;
    if (s->all_dims) {
        s->k = s->ndim;
        return;
    }
    s->k = 0;
    for (int j = s->ndim - 1; j >= 0; --j) /* reversed order, every other one negative */
        if (variant % 3 == 1 || j % 2 == 0 || s->ndim == 1)
            s->dims[s->k] = (s->k % 2) ? j - s->ndim : j, s->k++;
}

static void analytic_fields_all_forms(void **state) {
    (void)state;
    int count = 0;
    for (int ndim = 1; ndim <= 5; ++ndim)
        for (int t = 0; t < 4; ++t)
            for (int form = 0; form < SP_FORMS; ++form)
                for (int eo = 1; eo <= 2; ++eo)
                    for (int quad = 0; quad <= 1; ++quad) {
                        scenario s = {0};
                        s.dtype = dtypes[t];
                        s.ndim = ndim;
                        memcpy(s.shape, shapes[ndim - 1], sizeof(int64_t) * (size_t)ndim);
                        choose_dims(&s, count);
                        s.spacing_form = form;
                        s.edge_order = eo;
                        s.quadratic = quad;
                        grid grids[NG_MAX_NDIM];
                        make_grids(&s, grids);
                        field f = {ndim, grids, {0}, {0}};
                        for (int d = 0; d < ndim; ++d)
                            f.c[d] = 1.0 + d, f.q[d] = quad ? 0.5 - 0.25 * d : 0.0;
                        results plain, varied;
                        run(&s, grids, &f, &plain);
                        check_analytic(&s, grids, &f, &plain);
                        /* The same computation in another layout: bitwise identical. */
                        scenario v = s;
                        v.in_flags = (unsigned)(count % 8);
                        v.out_kind = count % 3;
                        v.out_flags = (unsigned)((count / 3) % 8);
                        v.threads = 1 + count % 3;
                        run(&v, grids, &f, &varied);
                        for (int i = 0; i < s.k; ++i)
                            if (!tarray_same_bits(&plain.view[i], &varied.view[i]))
                                fail_msg("layout in=%u out_kind=%d out=%u threads=%d changed the bits "
                                         "of output %d (%d-d, form %d)",
                                         v.in_flags, v.out_kind, v.out_flags, v.threads, i, ndim, form);
                        free_outputs(&plain);
                        free_outputs(&varied);
                        for (int d = 0; d < ndim; ++d)
                            grid_free(&grids[d]);
                        ++count;
                    }
    assert_int_equal(count, 5 * 4 * SP_FORMS * 2 * 2);
}

/* Integers are cast to float64 before any subtraction: integer-valued linear fields
 * with power-of-two spacing give exact results, and quadratics exact interiors. */
static void integer_dtypes_exact(void **state) {
    (void)state;
    const int32_t ints[8] = {NG_INT8, NG_INT16, NG_INT32, NG_INT64,
                             NG_UINT8, NG_UINT16, NG_UINT32, NG_UINT64};
    const int64_t shape[2] = {5, 4};
    for (int t = 0; t < 8; ++t)
        for (int eo = 1; eo <= 2; ++eo)
            for (int quad = 0; quad <= 1; ++quad) {
                tarray in, out[2];
                tarray_make(&in, ints[t], 2, shape, t % 2 ? T_FORTRAN : 0);
                int64_t idx[2];
                for (int64_t p = 0; p < 20; ++p) { /* 3*i - 2*j (+ i^2), shifted to stay >= 0 */
                    unravel(2, shape, p, idx);
                    const double v = 20 + 3.0 * idx[0] - 2.0 * idx[1] + (quad ? idx[0] * idx[0] : 0);
                    tarray_set(&in, idx, v, 0);
                }
                for (int i = 0; i < 2; ++i)
                    tarray_make(&out[i], NG_FLOAT64, 2, shape, 0);
                ng_spacing sp[2] = {{NG_SPACING_SCALAR, 0, 0.5, NULL, 0}, {NG_SPACING_UNIT, 0, 0, NULL, 0}};
                ng_options opt = NG_OPTIONS_INIT;
                opt.spacing = sp, opt.nspacing = 2, opt.edge_order = eo;
                ng_array outs[2] = {out[0].a, out[1].a};
                assert_int_equal(ng_gradient(&in.a, &opt, outs, 2), NG_OK);
                for (int64_t p = 0; p < 20; ++p) {
                    double re, im;
                    unravel(2, shape, p, idx);
                    const int edge0 = idx[0] == 0 || idx[0] == 4;
                    tarray_get(&out[0], idx, &re, &im);
                    if (!(quad && edge0 && eo == 1))
                        assert_true(re == (3.0 + (quad ? 2.0 * idx[0] : 0)) / 0.5);
                    tarray_get(&out[1], idx, &re, &im);
                    assert_true(re == -2.0);
                }
                tarray_free(&in);
                tarray_free(&out[0]);
                tarray_free(&out[1]);
            }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analytic_fields_all_forms),
        cmocka_unit_test(integer_dtypes_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
