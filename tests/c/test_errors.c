/* Every invalid call gets its own status and a message naming the problem, and leaves
 * every output byte and the input untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "support.h"

/* A valid call (3-D float64 input, all dims, three outputs) that each case breaks. */
typedef struct call {
    tarray in, out[3];
    int64_t shape[NG_MAX_NDIM + 1], out_shape[3][NG_MAX_NDIM + 1], strides[NG_MAX_NDIM];
    struct {
        ng_options o;
        unsigned char extra[16];
    } opt;
    int32_t dims[8];
    ng_spacing sp[8];
    double x[8];
    ng_array outs[3];
    const ng_array *input;
    ng_array *outputs;
    int noutputs;
} call;

static void base(call *c) {
    const int64_t shape[3] = {4, 5, 6};
    memset(c, 0, sizeof *c);
    tarray_make(&c->in, NG_FLOAT64, 3, shape, 0);
    for (int64_t p = 0; p < 120; ++p) {
        int64_t idx[3];
        unravel(3, shape, p, idx);
        tarray_set(&c->in, idx, (double)(p * p % 17), 0);
    }
    memcpy(c->shape, shape, sizeof shape);
    c->in.a.shape = c->shape;
    for (int i = 0; i < 3; ++i) {
        tarray_make(&c->out[i], NG_FLOAT64, 3, shape, 0);
        tarray_poison(&c->out[i]);
        memcpy(c->out_shape[i], shape, sizeof shape);
        c->outs[i] = c->out[i].a;
        c->outs[i].shape = c->out_shape[i];
    }
    ng_options init = NG_OPTIONS_INIT;
    c->opt.o = init;
    for (int i = 0; i < 8; ++i)
        c->x[i] = i * i;
    c->input = &c->in.a;
    c->outputs = c->outs;
    c->noutputs = 3;
}

typedef void (*breaker)(call *c);
typedef struct bad_case {
    const char *name;
    breaker apply;
    int32_t status;
    const char *says; /* a part of the message */
} bad_case;

#define CASE(fn, st, text) {#fn, fn, st, text}

static void null_input(call *c) { c->input = NULL; }
static void null_input_shape(call *c) { c->in.a.shape = NULL; }
static void null_input_data(call *c) { c->in.a.data = NULL; }
static void null_outputs(call *c) { c->outputs = NULL; }
static void null_output_data(call *c) { c->outs[1].data = NULL; }
static void null_output_shape(call *c) { c->outs[2].shape = NULL; }
static void null_dims(call *c) { c->opt.o.ndims = 2; }
static void null_spacing(call *c) { c->opt.o.nspacing = 1; }
static void null_coords(call *c) {
    c->sp[0] = (ng_spacing){NG_SPACING_COORDS, 0, 0, NULL, 4};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 3;
    c->sp[1] = c->sp[2] = (ng_spacing){NG_SPACING_UNIT, 0, 0, NULL, 0};
}
static void ndim_negative(call *c) { c->in.a.ndim = -1; }
static void ndim_too_large(call *c) { c->in.a.ndim = NG_MAX_NDIM + 1; }
static void extent_negative(call *c) { c->shape[1] = -5; }
static void dim_too_large(call *c) {
    c->dims[0] = 3, c->opt.o.dims = c->dims, c->opt.o.ndims = 1, c->noutputs = 1;
}
static void dim_too_negative(call *c) {
    c->dims[0] = -4, c->opt.o.dims = c->dims, c->opt.o.ndims = 1, c->noutputs = 1;
}
static void dim_repeated_negative(call *c) {
    c->dims[0] = 0, c->dims[1] = -3, c->opt.o.dims = c->dims, c->opt.o.ndims = 2, c->noutputs = 2;
}
static void dim_repeated(call *c) {
    c->dims[0] = 2, c->dims[1] = 2, c->opt.o.dims = c->dims, c->opt.o.ndims = 2, c->noutputs = 2;
}
static void too_many_dims(call *c) {
    for (int i = 0; i < 4; ++i)
        c->dims[i] = i % 3;
    c->opt.o.dims = c->dims, c->opt.o.ndims = 4;
}
static void ndims_negative(call *c) { c->opt.o.dims = c->dims, c->opt.o.ndims = -1; }
static void spacing_count(call *c) {
    c->sp[0] = c->sp[1] = (ng_spacing){NG_SPACING_SCALAR, 0, 2.0, NULL, 0};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 2;
}
static void spacing_count_negative(call *c) { c->opt.o.spacing = c->sp, c->opt.o.nspacing = -1; }
static void one_coords_for_all(call *c) {
    c->sp[0] = (ng_spacing){NG_SPACING_COORDS, 0, 0, c->x, 4};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 1;
}
static void spacing_kind(call *c) {
    c->sp[0] = (ng_spacing){7, 0, 1.0, NULL, 0};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 1;
}
static void spacing_reserved(call *c) {
    c->sp[0] = (ng_spacing){NG_SPACING_SCALAR, 1, 1.0, NULL, 0};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 1;
}
static void coords_length(call *c) {
    c->sp[0] = c->sp[1] = (ng_spacing){NG_SPACING_UNIT, 0, 0, NULL, 0};
    c->sp[2] = (ng_spacing){NG_SPACING_COORDS, 0, 0, c->x, 5};
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 3;
}
static void coords_length_one(call *c) {
    c->sp[0] = (ng_spacing){NG_SPACING_COORDS, 0, 0, c->x, 1};
    c->dims[0] = 0, c->opt.o.dims = c->dims, c->opt.o.ndims = 1, c->noutputs = 1;
    c->opt.o.spacing = c->sp, c->opt.o.nspacing = 1;
}
static void edge_order_0(call *c) { c->opt.o.edge_order = 0; }
static void edge_order_3(call *c) { c->opt.o.edge_order = 3; }
static void edge_order_negative(call *c) { c->opt.o.edge_order = -1; }
static void one_sample(call *c) {
    c->shape[0] = 1;
    for (int i = 0; i < 3; ++i)
        c->out_shape[i][0] = 1;
}
static void two_samples_edge_order_2(call *c) {
    c->shape[1] = 2;
    for (int i = 0; i < 3; ++i)
        c->out_shape[i][1] = 2;
    c->opt.o.edge_order = 2;
}
static void output_count(call *c) { c->noutputs = 2; }
static void output_count_negative(call *c) { c->noutputs = -1; }
static void output_ndim(call *c) { c->outs[1].ndim = 2; }
static void output_ndim_too_large(call *c) { c->outs[0].ndim = NG_MAX_NDIM + 1; }
static void output_extent(call *c) { c->out_shape[1][2] = 7; }
static void output_dtype(call *c) { c->outs[0].dtype = NG_FLOAT32; }
static void output_dtype_int_input(call *c) {
    c->in.a.dtype = NG_INT16; /* the int16 input needs float64 outputs */
    for (int i = 0; i < 3; ++i)
        c->outs[i].dtype = NG_INT16;
}
static void output_dtype_unknown(call *c) { c->outs[2].dtype = 99; }
static int64_t huge_strides[3] = {INT64_C(1) << 62, 6, 1};
static void input_stride_overflow(call *c) { c->in.a.strides = huge_strides; }
static void output_stride_overflow(call *c) { c->outs[0].strides = huge_strides; }
static void element_count_overflow(call *c) {
    c->shape[0] = INT64_C(1) << 40, c->shape[1] = INT64_C(1) << 40;
}
static int64_t address_strides[3] = {-(INT64_C(1) << 58), 6, 1};
static void address_wraps(call *c) { c->in.a.strides = address_strides; }
static void output_is_input(call *c) { c->outs[1].data = c->in.a.data; }
static void outputs_alias(call *c) { c->outs[1].data = c->outs[0].data; }
static void outputs_shifted_by_one(call *c) { c->outs[2].data = (double *)c->outs[0].data + 1; }
static int64_t zero_strides[3] = {30, 0, 1};
static void output_zero_stride(call *c) { c->outs[0].strides = zero_strides; }
static int64_t tangled_strides[3] = {30, 1, 2}; /* dims 1 and 2 collide: 2*1 == 1*2 */
static void output_self_overlap(call *c) { c->outs[2].strides = tangled_strides; }
static void dtype_zero(call *c) { c->in.a.dtype = 0; }
static void dtype_bool_like(call *c) { c->in.a.dtype = 13; }
static void dtype_negative(call *c) { c->in.a.dtype = -1; }
static void struct_size_zero(call *c) { c->opt.o.struct_size = 0; }
static void struct_size_small(call *c) { c->opt.o.struct_size = 8; }
static void newer_options_set(call *c) {
    c->opt.o.struct_size = sizeof c->opt;
    c->opt.extra[3] = 1;
}
static void threads_negative(call *c) { c->opt.o.threads = -2; }
static void options_reserved(call *c) { c->opt.o.reserved = 5; }

static const bad_case cases[] = {
    CASE(null_input, NG_ERR_NULL_POINTER, "input is NULL"),
    CASE(null_input_shape, NG_ERR_NULL_POINTER, "input->shape is NULL"),
    CASE(null_input_data, NG_ERR_NULL_POINTER, "input->data is NULL"),
    CASE(null_outputs, NG_ERR_NULL_POINTER, "outputs is NULL"),
    CASE(null_output_data, NG_ERR_NULL_POINTER, "outputs[1].data is NULL"),
    CASE(null_output_shape, NG_ERR_NULL_POINTER, "outputs[2].shape is NULL"),
    CASE(null_dims, NG_ERR_NULL_POINTER, "options->dims is NULL"),
    CASE(null_spacing, NG_ERR_NULL_POINTER, "options->spacing is NULL"),
    CASE(null_coords, NG_ERR_NULL_POINTER, "options->spacing[0].coords is NULL"),
    CASE(ndim_negative, NG_ERR_NDIM, "input->ndim is -1"),
    CASE(ndim_too_large, NG_ERR_NDIM, "input->ndim is 33"),
    CASE(extent_negative, NG_ERR_SHAPE, "input->shape[1] is -5"),
    CASE(dim_too_large, NG_ERR_DIM_RANGE, "options->dims[0] is 3, outside -3..2"),
    CASE(dim_too_negative, NG_ERR_DIM_RANGE, "options->dims[0] is -4"),
    CASE(dim_repeated_negative, NG_ERR_DIM_REPEATED, "options->dims[1] is -3, naming dim 0 again"),
    CASE(dim_repeated, NG_ERR_DIM_REPEATED, "naming dim 2 again"),
    CASE(too_many_dims, NG_ERR_DIM_REPEATED, "options->dims[3]"),
    CASE(ndims_negative, NG_ERR_DIM_RANGE, "options->ndims is -1"),
    CASE(spacing_count, NG_ERR_SPACING_COUNT, "options->nspacing is 2 but 3 dims"),
    CASE(spacing_count_negative, NG_ERR_SPACING_COUNT, "options->nspacing is -1"),
    CASE(one_coords_for_all, NG_ERR_SPACING_COUNT, "coordinates"),
    CASE(spacing_kind, NG_ERR_SPACING, "options->spacing[0].kind is 7"),
    CASE(spacing_reserved, NG_ERR_SPACING, "options->spacing[0].reserved is 1"),
    CASE(coords_length, NG_ERR_COORD_LENGTH, "options->spacing[2] has 5 coordinates but dim 2 has 6"),
    CASE(coords_length_one, NG_ERR_COORD_LENGTH, "has 1 coordinates but dim 0 has 4"),
    CASE(edge_order_0, NG_ERR_EDGE_ORDER, "options->edge_order is 0"),
    CASE(edge_order_3, NG_ERR_EDGE_ORDER, "options->edge_order is 3"),
    CASE(edge_order_negative, NG_ERR_EDGE_ORDER, "options->edge_order is -1"),
    CASE(one_sample, NG_ERR_TOO_FEW_POINTS, "dim 0 has 1 samples; edge_order 1 needs at least 2"),
    CASE(two_samples_edge_order_2, NG_ERR_TOO_FEW_POINTS, "dim 1 has 2 samples; edge_order 2 needs at least 3"),
    CASE(output_count, NG_ERR_OUTPUT_COUNT, "noutputs is 2 but 3 dims"),
    CASE(output_count_negative, NG_ERR_OUTPUT_COUNT, "noutputs is -1"),
    CASE(output_ndim, NG_ERR_OUTPUT_SHAPE, "outputs[1].ndim is 2"),
    CASE(output_ndim_too_large, NG_ERR_OUTPUT_SHAPE, "outputs[0].ndim is 33"),
    CASE(output_extent, NG_ERR_OUTPUT_SHAPE, "outputs[1].shape[2] is 7 but input->shape[2] is 6"),
    CASE(output_dtype, NG_ERR_OUTPUT_DTYPE, "outputs[0].dtype is NG_FLOAT32 (1) but a NG_FLOAT64 input gives NG_FLOAT64"),
    CASE(output_dtype_int_input, NG_ERR_OUTPUT_DTYPE, "a NG_INT16 input gives NG_FLOAT64"),
    CASE(output_dtype_unknown, NG_ERR_OUTPUT_DTYPE, "outputs[2].dtype is unknown (99)"),
    CASE(input_stride_overflow, NG_ERR_OVERFLOW, "input: the byte offset of dim 0"),
    CASE(output_stride_overflow, NG_ERR_OVERFLOW, "outputs[0]: the byte offset of dim 0"),
    CASE(element_count_overflow, NG_ERR_OVERFLOW, "number of elements overflows"),
    CASE(address_wraps, NG_ERR_OVERFLOW, "outside the address space"),
    CASE(output_is_input, NG_ERR_OVERLAP, "outputs[1] overlaps the input"),
    CASE(outputs_alias, NG_ERR_OVERLAP, "outputs[1] overlaps outputs[0]"),
    CASE(outputs_shifted_by_one, NG_ERR_OVERLAP, "outputs[2] overlaps outputs[0]"),
    CASE(output_zero_stride, NG_ERR_OVERLAP, "outputs[0] has strides that make two of its elements share memory"),
    CASE(output_self_overlap, NG_ERR_OVERLAP, "outputs[2] has strides"),
    CASE(dtype_zero, NG_ERR_DTYPE, "input->dtype is 0"),
    CASE(dtype_bool_like, NG_ERR_DTYPE, "input->dtype is 13"),
    CASE(dtype_negative, NG_ERR_DTYPE, "input->dtype is -1"),
    CASE(struct_size_zero, NG_ERR_OPTIONS, "options->struct_size is 0"),
    CASE(struct_size_small, NG_ERR_OPTIONS, "NG_OPTIONS_INIT"),
    CASE(newer_options_set, NG_ERR_OPTIONS, "options of a newer numgrad"),
    CASE(threads_negative, NG_ERR_OPTIONS, "options->threads is -2"),
    CASE(options_reserved, NG_ERR_OPTIONS, "options->reserved is 5"),
};

static void every_bad_call_is_refused_cleanly(void **state) {
    (void)state;
    const size_t n = sizeof cases / sizeof cases[0];
    assert_true(n >= 40);
    for (size_t i = 0; i < n; ++i) {
        call c;
        base(&c);
        cases[i].apply(&c);
        unsigned char before[120 * 8];
        memcpy(before, c.in.buffer, sizeof before);
        assert_refused(cases[i].name, ng_gradient(c.input, &c.opt.o, c.outputs, c.noutputs),
                       cases[i].status, cases[i].says);
        for (int k = 0; k < 3; ++k)
            if (!tarray_poisoned(&c.out[k]))
                fail_msg("%s: outputs[%d] was written", cases[i].name, k);
        if (memcmp(before, c.in.buffer, sizeof before) != 0)
            fail_msg("%s: the input was modified", cases[i].name);
        tarray_free(&c.in);
        for (int k = 0; k < 3; ++k)
            tarray_free(&c.out[k]);
    }
}

/* The controls: the base call and its harmless variants succeed. */
static void base_call_and_newer_zeroed_options_succeed(void **state) {
    (void)state;
    call c;
    base(&c);
    assert_int_equal(ng_gradient(c.input, &c.opt.o, c.outputs, 3), NG_OK);
    assert_string_equal(ng_last_error(), "");
    assert_false(tarray_poisoned(&c.out[0]));
    c.opt.o.struct_size = sizeof c.opt; /* a newer caller leaving its new fields zero */
    assert_int_equal(ng_gradient(c.input, &c.opt.o, c.outputs, 3), NG_OK);
    assert_int_equal(ng_gradient(c.input, NULL, c.outputs, 3), NG_OK); /* NULL options: defaults */
    tarray_free(&c.in);
    for (int k = 0; k < 3; ++k)
        tarray_free(&c.out[k]);
}

/* Zero-size arrays: nothing to compute, and no pointer needs to be valid. */
static void empty_arrays_need_no_data(void **state) {
    (void)state;
    const int64_t shape[2] = {0, 4};
    const int32_t dim1[1] = {1};
    ng_array in = {NG_FLOAT64, 2, shape, NULL, NULL};
    ng_array out = {NG_FLOAT64, 2, shape, NULL, NULL};
    ng_options opt = NG_OPTIONS_INIT;
    opt.dims = dim1, opt.ndims = 1;
    assert_int_equal(ng_gradient(&in, &opt, &out, 1), NG_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_bad_call_is_refused_cleanly),
        cmocka_unit_test(base_call_and_newer_zeroed_options_succeed),
        cmocka_unit_test(empty_arrays_need_no_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
