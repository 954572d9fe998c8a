/* The small functions of the ABI: versions, status names, dtype facts, messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "numgrad.h"

static void version_matches_header(void **state) {
    (void)state;
    assert_int_equal(ng_version(), NG_VERSION_NUMBER);
    assert_int_equal(NG_VERSION_NUMBER, NG_VERSION_MAJOR * 10000 + NG_VERSION_MINOR * 100 + NG_VERSION_PATCH);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", NG_VERSION_MAJOR, NG_VERSION_MINOR, NG_VERSION_PATCH);
    assert_string_equal(ng_version_string(), want);
}

static void every_status_has_its_name(void **state) {
    (void)state;
    static const struct {
        int32_t status;
        const char *name;
    } names[] = {
        {NG_OK, "NG_OK"}, {NG_ERR_NULL_POINTER, "NG_ERR_NULL_POINTER"}, {NG_ERR_NDIM, "NG_ERR_NDIM"},
        {NG_ERR_SHAPE, "NG_ERR_SHAPE"}, {NG_ERR_DIM_RANGE, "NG_ERR_DIM_RANGE"},
        {NG_ERR_DIM_REPEATED, "NG_ERR_DIM_REPEATED"}, {NG_ERR_SPACING_COUNT, "NG_ERR_SPACING_COUNT"},
        {NG_ERR_SPACING, "NG_ERR_SPACING"}, {NG_ERR_COORD_LENGTH, "NG_ERR_COORD_LENGTH"},
        {NG_ERR_EDGE_ORDER, "NG_ERR_EDGE_ORDER"}, {NG_ERR_TOO_FEW_POINTS, "NG_ERR_TOO_FEW_POINTS"},
        {NG_ERR_OUTPUT_COUNT, "NG_ERR_OUTPUT_COUNT"}, {NG_ERR_OUTPUT_SHAPE, "NG_ERR_OUTPUT_SHAPE"},
        {NG_ERR_OUTPUT_DTYPE, "NG_ERR_OUTPUT_DTYPE"}, {NG_ERR_OVERFLOW, "NG_ERR_OVERFLOW"},
        {NG_ERR_OVERLAP, "NG_ERR_OVERLAP"}, {NG_ERR_DTYPE, "NG_ERR_DTYPE"},
        {NG_ERR_OPTIONS, "NG_ERR_OPTIONS"}, {NG_ERR_NO_MEMORY, "NG_ERR_NO_MEMORY"},
        {NG_ERR_INTERNAL, "NG_ERR_INTERNAL"}, {NG_ERR_BOUNDARY, "NG_ERR_BOUNDARY"},
        {NG_ERR_ACCURACY, "NG_ERR_ACCURACY"}, {NG_ERR_COORDINATES, "NG_ERR_COORDINATES"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        assert_int_equal(names[i].status, (int32_t)i); /* the numbering is part of the ABI */
        assert_string_equal(ng_status_string(names[i].status), names[i].name);
    }
    assert_string_equal(ng_status_string(-1), "unknown status");
    assert_string_equal(ng_status_string(1000), "unknown status");
}

static void dtype_facts(void **state) {
    (void)state;
    static const struct {
        int32_t dtype, result;
        int64_t size;
    } facts[] = {
        {NG_FLOAT32, NG_FLOAT32, 4}, {NG_FLOAT64, NG_FLOAT64, 8}, {NG_COMPLEX64, NG_COMPLEX64, 8},
        {NG_COMPLEX128, NG_COMPLEX128, 16}, {NG_INT8, NG_FLOAT64, 1}, {NG_INT16, NG_FLOAT64, 2},
        {NG_INT32, NG_FLOAT64, 4}, {NG_INT64, NG_FLOAT64, 8}, {NG_UINT8, NG_FLOAT64, 1},
        {NG_UINT16, NG_FLOAT64, 2}, {NG_UINT32, NG_FLOAT64, 4}, {NG_UINT64, NG_FLOAT64, 8},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; ++i) {
        assert_int_equal(ng_result_dtype(facts[i].dtype), facts[i].result);
        assert_int_equal(ng_dtype_size(facts[i].dtype), facts[i].size);
    }
    assert_int_equal(ng_result_dtype(0), -1);
    assert_int_equal(ng_result_dtype(13), -1);
    assert_int_equal(ng_dtype_size(13), 0);
}

/* The ABI's layout is fixed: these sizes and offsets must never change. */
static void struct_layouts_are_pinned(void **state) {
    (void)state;
    assert_int_equal(sizeof(ng_array), 32);
    assert_int_equal(offsetof(ng_array, shape), 8);
    assert_int_equal(offsetof(ng_array, data), 24);
    assert_int_equal(sizeof(ng_spacing), 32);
    assert_int_equal(offsetof(ng_spacing, h), 8);
    assert_int_equal(offsetof(ng_spacing, ncoords), 24);
    assert_int_equal(sizeof(ng_options), 64);
    assert_int_equal(offsetof(ng_options, reserved), 36); /* the end of the first version */
    assert_int_equal(offsetof(ng_options, boundary), 40);
    assert_int_equal(offsetof(ng_options, accuracy), 52);
    assert_int_equal(offsetof(ng_options, strict), 56);
    assert_int_equal(sizeof(ng_boundary), 16);
    assert_int_equal(offsetof(ng_boundary, period), 8);
    assert_int_equal(offsetof(ng_options, dims), 8);
    assert_int_equal(offsetof(ng_options, spacing), 16);
    assert_int_equal(offsetof(ng_options, edge_order), 28);
    ng_options init = NG_OPTIONS_INIT;
    assert_int_equal(init.struct_size, sizeof(ng_options));
    assert_int_equal(init.edge_order, 1);
    assert_null(init.dims);
    assert_int_equal(init.nspacing, 0);
    assert_int_equal(init.accuracy, 2);
    assert_null(init.boundary);
    assert_int_equal(init.strict, 0);
}

/* The message belongs to the thread's last call: set by a failure, cleared by success. */
static void last_error_follows_the_last_call(void **state) {
    (void)state;
    const double f[3] = {1, 2, 4};
    double g[3];
    const int64_t n = 3;
    ng_array in = {NG_FLOAT64, 1, &n, NULL, (void *)f};
    ng_array out = {NG_FLOAT64, 1, &n, NULL, g};
    ng_options opt = NG_OPTIONS_INIT;
    opt.edge_order = 5;
    assert_int_equal(ng_gradient(&in, &opt, &out, 1), NG_ERR_EDGE_ORDER);
    assert_non_null(strstr(ng_last_error(), "edge_order is 5"));
    assert_int_equal(ng_gradient(&in, NULL, &out, 1), NG_OK);
    assert_string_equal(ng_last_error(), "");
    assert_true(g[0] == 1.0 && g[1] == 1.5 && g[2] == 2.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_matches_header),
        cmocka_unit_test(every_status_has_its_name),
        cmocka_unit_test(dtype_facts),
        cmocka_unit_test(struct_layouts_are_pinned),
        cmocka_unit_test(last_error_follows_the_last_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
