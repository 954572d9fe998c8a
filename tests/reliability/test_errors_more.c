/* Bad inputs that tests/c/test_errors.c does not reach: the two statuses that need a
 * failing allocation (NG_ERR_NO_MEMORY) or arithmetic at the very edge of int64, and a
 * few more shapes of the common mistakes. Each asserts the status, a part of the
 * message, that no output byte changed and that the input is intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "numgrad.h"
#include "support.h"
#include "under_valgrind.h"

/* ASan and valgrind turn a failed `new` into a fatal report instead of std::bad_alloc:
 * the allocation-failure case only means something in a plain build. */
#if defined(__SANITIZE_ADDRESS__)
#define NG_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NG_TEST_ASAN 1
#endif
#endif

enum { N = 4 };

/* A valid call: a 2-D 4x4 float64 input, both dims, two outputs; cases break it. */
typedef struct call {
    double in[N * N], out[2][N * N];
    int64_t shape[2], out_shape[2][2], in_strides[2], out_strides[2][2];
    ng_array input, outs[2];
    ng_options opt;
    int32_t dims[4];
    ng_spacing sp[2];
    double x[N];
    int noutputs;
    int outputs_null;
} call;

static void base(call *c) {
    memset(c, 0, sizeof *c);
    for (int i = 0; i < N * N; ++i)
        c->in[i] = (double)(i * i % 11);
    memset(c->out, 0xA5, sizeof c->out);
    c->shape[0] = c->shape[1] = N;
    c->input = (ng_array){NG_FLOAT64, 2, c->shape, NULL, c->in};
    for (int k = 0; k < 2; ++k) {
        c->out_shape[k][0] = c->out_shape[k][1] = N;
        c->outs[k] = (ng_array){NG_FLOAT64, 2, c->out_shape[k], NULL, c->out[k]};
    }
    c->opt = (ng_options)NG_OPTIONS_INIT;
    for (int i = 0; i < N; ++i)
        c->x[i] = i * 0.5 + (i == 2);
    c->noutputs = 2;
}

static void per_dim_spacing(call *c) {
    c->sp[0] = (ng_spacing){NG_SPACING_SCALAR, 0, 2.0, NULL, 0};
    c->sp[1] = (ng_spacing){NG_SPACING_COORDS, 0, 0, c->x, N};
    c->opt.spacing = c->sp, c->opt.nspacing = 2;
}

static void second_spacing_kind(call *c) { per_dim_spacing(c), c->sp[1].kind = -1; }
static void second_coords_null(call *c) { per_dim_spacing(c), c->sp[1].coords = NULL; }
static void second_coords_short(call *c) { per_dim_spacing(c), c->sp[1].ncoords = N - 1; }
static void second_coords_negative_count(call *c) { per_dim_spacing(c), c->sp[1].ncoords = -4; }
static void null_dims_negative_ndims(call *c) { c->opt.ndims = -1; }
static void dims_of_a_0d_input(call *c) {
    c->input.ndim = 0, c->input.shape = NULL;
    c->dims[0] = 0, c->opt.dims = c->dims, c->opt.ndims = 1, c->noutputs = 1;
}
static void edge_order_int_min(call *c) { c->opt.edge_order = INT32_MIN; }
static void ndim_int_min(call *c) { c->input.ndim = INT32_MIN; }
static void dim_int_min(call *c) {
    c->dims[0] = INT32_MIN, c->opt.dims = c->dims, c->opt.ndims = 1, c->noutputs = 1;
}
static void extent_int64_min(call *c) { c->shape[0] = INT64_MIN; }
static void output_extent_negative(call *c) { c->out_shape[0][1] = -N; }
static void output_count_of_a_0d_input(call *c) {
    c->input.ndim = 0, c->input.shape = NULL, c->noutputs = 1;
}
static void outputs_null_noutputs_zero(call *c) { /* k is 2: the count is checked first */
    c->outputs_null = 1, c->noutputs = 0;
}
/* Output 1 is output 0 read backwards: the same bytes in another order. */
static void output_reversed_alias(call *c) {
    c->out_strides[1][0] = -N, c->out_strides[1][1] = -1;
    c->outs[1].strides = c->out_strides[1];
    c->outs[1].data = &c->out[0][N * N - 1];
}
/* Output 0 interleaved with the input's own storage through a transposed view. */
static void output_is_transposed_input(call *c) {
    c->out_strides[0][0] = 1, c->out_strides[0][1] = N;
    c->outs[0].strides = c->out_strides[0];
    c->outs[0].data = c->in;
}
/* Strides whose byte offsets sum to exactly INT64_MIN (float64 stride -2^60, extent 2):
 * representable, but its negation is not; the call must be refused cleanly. */
static void offset_exactly_int64_min(call *c) {
    c->in_strides[0] = -(INT64_C(1) << 60), c->in_strides[1] = 1;
    c->shape[0] = 2, c->out_shape[0][0] = c->out_shape[1][0] = 2;
    c->input.strides = c->in_strides;
}
/* The same through an int8 input: the largest negative stride there is. */
static void stride_int64_min(call *c) {
    c->in_strides[0] = INT64_MIN, c->in_strides[1] = 1;
    c->shape[0] = 2, c->out_shape[0][0] = c->out_shape[1][0] = 2;
    c->input.strides = c->in_strides, c->input.dtype = NG_INT8;
}
static void stride_int64_max(call *c) {
    c->in_strides[0] = INT64_MAX, c->in_strides[1] = 1;
    c->input.strides = c->in_strides, c->input.dtype = NG_UINT8;
}
static void output_stride_int64_min(call *c) {
    c->out_strides[1][0] = INT64_MIN, c->out_strides[1][1] = 1;
    c->outs[1].strides = c->out_strides[1];
}

typedef struct bad_case {
    const char *name;
    void (*apply)(call *c);
    int32_t status;
    const char *says;
} bad_case;

#define CASE(fn, st, text) {#fn, fn, st, text}

static const bad_case cases[] = {
    CASE(second_spacing_kind, NG_ERR_SPACING, "options->spacing[1].kind is -1"),
    CASE(second_coords_null, NG_ERR_NULL_POINTER, "options->spacing[1].coords is NULL"),
    CASE(second_coords_short, NG_ERR_COORD_LENGTH, "options->spacing[1] has 3 coordinates but dim 1 has 4"),
    CASE(second_coords_negative_count, NG_ERR_COORD_LENGTH, "has -4 coordinates"),
    CASE(null_dims_negative_ndims, NG_ERR_NULL_POINTER, "options->dims is NULL but options->ndims is -1"),
    CASE(dims_of_a_0d_input, NG_ERR_DIM_RANGE, "a 0-d input has no dims"),
    CASE(edge_order_int_min, NG_ERR_EDGE_ORDER, "options->edge_order is -2147483648"),
    CASE(ndim_int_min, NG_ERR_NDIM, "input->ndim is -2147483648"),
    CASE(dim_int_min, NG_ERR_DIM_RANGE, "options->dims[0] is -2147483648"),
    CASE(extent_int64_min, NG_ERR_SHAPE, "input->shape[0] is -9223372036854775808"),
    CASE(output_extent_negative, NG_ERR_OUTPUT_SHAPE, "outputs[0].shape[1] is -4"),
    CASE(output_count_of_a_0d_input, NG_ERR_OUTPUT_COUNT, "noutputs is 1 but 0 dims"),
    CASE(outputs_null_noutputs_zero, NG_ERR_OUTPUT_COUNT, "noutputs is 0 but 2 dims"),
    CASE(output_reversed_alias, NG_ERR_OVERLAP, "outputs[1] overlaps outputs[0]"),
    CASE(output_is_transposed_input, NG_ERR_OVERLAP, "outputs[0] overlaps the input"),
    CASE(offset_exactly_int64_min, NG_ERR_OVERFLOW, "input"),
    CASE(stride_int64_min, NG_ERR_OVERFLOW, "input"),
    CASE(stride_int64_max, NG_ERR_OVERFLOW, "input: the byte offset of dim 0"),
    CASE(output_stride_int64_min, NG_ERR_OVERFLOW, "outputs[1]: the byte offset of dim 0"),
};

static void more_bad_calls_are_refused_cleanly(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        call c;
        base(&c);
        cases[i].apply(&c);
        double in_before[N * N];
        memcpy(in_before, c.in, sizeof in_before);
        assert_refused(cases[i].name,
                       ng_gradient(&c.input, &c.opt, c.outputs_null ? NULL : c.outs, c.noutputs),
                       cases[i].status, cases[i].says);
        const unsigned char *o = (const unsigned char *)c.out;
        for (size_t b = 0; b < sizeof c.out; ++b)
            if (o[b] != 0xA5)
                fail_msg("%s: output byte %zu was written", cases[i].name, b);
        if (memcmp(in_before, c.in, sizeof in_before) != 0)
            fail_msg("%s: the input was modified", cases[i].name);
    }
}

/* The controls: the base call, and the valid neighbours of the cases above. */
static void neighbours_of_the_bad_calls_succeed(void **state) {
    (void)state;
    call c;
    base(&c);
    assert_int_equal(ng_gradient(&c.input, &c.opt, c.outs, 2), NG_OK);
    per_dim_spacing(&c);
    assert_int_equal(ng_gradient(&c.input, &c.opt, c.outs, 2), NG_OK);
    assert_string_equal(ng_last_error(), "");
    /* Output 1 interleaved with output 0 (columns 0, 2 and 1, 3 of a 4x8 buffer). */
    base(&c);
    double wide[N * 2 * N];
    int64_t st[2] = {2 * N, 2};
    c.outs[0] = (ng_array){NG_FLOAT64, 2, c.out_shape[0], st, wide};
    c.outs[1] = (ng_array){NG_FLOAT64, 2, c.out_shape[1], st, wide + 1};
    assert_int_equal(ng_gradient(&c.input, &c.opt, c.outs, 2), NG_OK);
    /* A 0-d input with no outputs at all. */
    base(&c);
    c.input.ndim = 0, c.input.shape = NULL;
    assert_int_equal(ng_gradient(&c.input, &c.opt, NULL, 0), NG_OK);
}

/* NG_ERR_NO_MEMORY: at accuracy 4 the general kernel keeps 5 weights per sample of a
 * non-uniform dim, so coordinates along 2^43 samples need a 320 TiB table, more than
 * any address space: the allocation fails whatever the overcommit policy. (The fast
 * kernel of accuracy 2 needs no such table, so it could not fail here.) The input is
 * one byte (zero stride), the output is never written (its data pointer lies above the
 * user address space, outside the input). The library allocates before it reads more
 * than the coordinates it needs to see they are not uniform (x[0..2]). */
static void failed_allocation_is_no_memory(void **state) {
    (void)state;
#if defined(NG_TEST_ASAN)
    skip(); /* ASan reports a failed new as a fatal error */
#else
    if (RUNNING_ON_VALGRIND)
        skip(); /* valgrind aborts on a failed new instead of throwing */
    const int64_t n = INT64_C(1) << 43;
    const int64_t shape[1] = {n}, zero[1] = {0};
    unsigned char one = 1;
    const double x[3] = {0.0, 1.0, 3.0};
    const ng_array input = {NG_UINT8, 1, shape, zero, &one};
    ng_array out = {NG_FLOAT64, 1, shape, NULL, (void *)(uintptr_t)(UINT64_C(1) << 47)};
    const ng_spacing sp = {NG_SPACING_COORDS, 0, 0, x, n};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = &sp, opt.nspacing = 1, opt.accuracy = 4;
    assert_int_equal(ng_gradient(&input, &opt, &out, 1), NG_ERR_NO_MEMORY);
    assert_non_null(strstr(ng_last_error(), "out of memory"));
    assert_int_equal(one, 1);
#endif
}

/* A coefficient table too long for std::vector at all (5 * 2^59 doubles at accuracy 4):
 * still "out of memory", not NG_ERR_INTERNAL ("a bug in numgrad"). */
static void impossible_allocation_is_no_memory(void **state) {
    (void)state;
    const int64_t n = INT64_C(1) << 59;
    const int64_t shape[1] = {n}, zero[1] = {0};
    unsigned char one = 1;
    const double x[3] = {0.0, 1.0, 3.0};
    const ng_array input = {NG_UINT8, 1, shape, zero, &one};
    ng_array out = {NG_FLOAT64, 1, shape, NULL, (void *)(uintptr_t)(UINT64_C(1) << 47)};
    const ng_spacing sp = {NG_SPACING_COORDS, 0, 0, x, n};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = &sp, opt.nspacing = 1, opt.accuracy = 4;
    const int32_t status = ng_gradient(&input, &opt, &out, 1);
    if (status != NG_ERR_NO_MEMORY)
        fail_msg("status %s (%s), want NG_ERR_NO_MEMORY", ng_status_string(status), ng_last_error());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(more_bad_calls_are_refused_cleanly),
        cmocka_unit_test(neighbours_of_the_bad_calls_succeed),
        cmocka_unit_test(failed_allocation_is_no_memory),
        cmocka_unit_test(impossible_allocation_is_no_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
