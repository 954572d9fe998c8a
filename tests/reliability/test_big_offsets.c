/* 64-bit sizes: element offsets far beyond 2^31 (strides above 2^31 elements, inputs
 * and outputs, positive and negative), over lazily allocated memory so that only the
 * few pages the elements live on are ever touched. The oracle is analytic: a quadratic
 * field f(i, j) = 1 + 3*i + 2*j^2 + ... has exact derivatives with edge_order 2. */
#define _DEFAULT_SOURCE /* MAP_NORESERVE, MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "numgrad.h"
#include "under_valgrind.h"

#define GIB (INT64_C(1) << 30)

/* Output row strides: 2^31 + a few elements (16 GiB of float64). Under valgrind, whose
 * shadow memory makes tens of GiB of mappings slow, 2^28 + a few (2 GiB: the byte
 * offsets still pass 2^31, the input's element offsets still pass 2^31 too). */
static int64_t out_rows(int64_t extra) {
    return (RUNNING_ON_VALGRIND ? INT64_C(1) << 28 : 2 * GIB) + extra;
}

/* A lazily allocated anonymous mapping: reserves address space, not memory. */
typedef struct region {
    unsigned char *base;
    size_t bytes;
} region;

static int map(region *r, int64_t bytes) {
    r->bytes = (size_t)bytes;
    void *p = mmap(NULL, r->bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    r->base = p == MAP_FAILED ? NULL : p;
    return r->base != NULL;
}

static void unmap(region *r) {
    if (r->base)
        munmap(r->base, r->bytes);
}

/* f(i, j) on a 2-D grid: quadratic in both, small enough for uint8. */
static int field(int64_t i, int64_t j) { return (int)(1 + 3 * i + 2 * j * j + i * i); }
static double d_di(int64_t i, int64_t j) { (void)j; return 3.0 + 2.0 * (double)i; }
static double d_dj(int64_t i, int64_t j) { (void)i; return 4.0 * (double)j; }

/* A uint8 input of shape (4, 5) whose dim `big` has a stride of +-S elements (S > 2^31)
 * and whose other dim is contiguous; float64 outputs whose rows are T elements apart
 * (T > 2^31 too, so output offsets pass 2^34 bytes). Checked against the oracle. */
static void strided_case(int64_t S, int big, int negative_in, int64_t T, int negative_out,
                         int edge_order) {
    const int64_t shape[2] = {4, 5};
    const int64_t n_big = shape[big], n_small = shape[1 - big];
    region in, out[2];
    memset(&in, 0, sizeof in), memset(out, 0, sizeof out);
    const int64_t in_bytes = (n_big - 1) * S + n_small;
    const int64_t out_bytes = ((n_big - 1) * T + n_small) * 8;
    if (!map(&in, in_bytes) || !map(&out[0], out_bytes) || !map(&out[1], out_bytes))
        skip(); /* no address space for it (e.g. a 32-bit or restricted process) */

    int64_t in_strides[2], out_strides[2];
    in_strides[big] = negative_in ? -S : S, in_strides[1 - big] = 1;
    out_strides[big] = negative_out ? -T : T, out_strides[1 - big] = 1;
    unsigned char *in_data = in.base + (negative_in ? (n_big - 1) * S : 0);
    for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 5; ++j)
            in_data[i * in_strides[0] + j * in_strides[1]] = (unsigned char)field(i, j);

    double *out_data[2];
    ng_array outs[2];
    for (int k = 0; k < 2; ++k) {
        out_data[k] = (double *)out[k].base + (negative_out ? (n_big - 1) * T : 0);
        outs[k] = (ng_array){NG_FLOAT64, 2, shape, out_strides, out_data[k]};
    }
    const ng_array input = {NG_UINT8, 2, shape, in_strides, in_data};
    ng_options opt = NG_OPTIONS_INIT;
    opt.edge_order = edge_order;
    const int32_t status = ng_gradient(&input, &opt, outs, 2);
    if (status != NG_OK)
        fail_msg("S=%lld T=%lld: %s", (long long)S, (long long)T, ng_last_error());
    for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 5; ++j) {
            const int64_t at = i * out_strides[0] + j * out_strides[1];
            /* The quadratic is exact inside; edge_order 1 edges are one-sided slopes. */
            double want_i = d_di(i, j), want_j = d_dj(i, j);
            if (edge_order == 1) {
                if (i == 0) want_i = field(1, j) - field(0, j);
                if (i == 3) want_i = field(3, j) - field(2, j);
                if (j == 0) want_j = field(i, 1) - field(i, 0);
                if (j == 4) want_j = field(i, 4) - field(i, 3);
            }
            if (out_data[0][at] != want_i || out_data[1][at] != want_j)
                fail_msg("S=%lld T=%lld big=%d at (%lld, %lld): got (%g, %g), want (%g, %g)",
                         (long long)S, (long long)T, big, (long long)i, (long long)j,
                         out_data[0][at], out_data[1][at], want_i, want_j);
        }
    unmap(&in), unmap(&out[0]), unmap(&out[1]);
}

/* Rows 3 GiB apart in the input, 2^31 + 3 elements (16 GiB) apart in the outputs. */
static void row_strides_beyond_2_31(void **state) {
    (void)state;
    strided_case(3 * GIB + 7, 0, 0, out_rows(3), 0, 2);
    strided_case(3 * GIB + 7, 0, 0, out_rows(3), 0, 1);
}

/* The same with the big stride on the last dim (line mode along dim 0 is now the
 * contiguous one, and vice versa). */
static void column_strides_beyond_2_31(void **state) {
    (void)state;
    strided_case(2 * GIB + 1, 1, 0, out_rows(5), 0, 2);
}

/* Negative strides of the same size: data points at the far end of the mapping. */
static void negative_strides_beyond_2_31(void **state) {
    (void)state;
    strided_case(3 * GIB + 7, 0, 1, out_rows(3), 1, 2);
    strided_case(2 * GIB + 1, 1, 1, out_rows(5), 0, 1);
}

/* A 1-D uint8 line of 3 samples 5 GiB apart, coordinates given: the non-uniform path
 * also indexes with 64-bit offsets. f = x^2 on x = (0, 1, 3): derivatives (−, 2, −)
 * with edge_order 2 exact everywhere for a quadratic: 2x = (0, 2, 6). */
static void coordinates_with_strides_beyond_2_31(void **state) {
    (void)state;
    const int64_t S = 5 * GIB;
    region in;
    memset(&in, 0, sizeof in);
    if (!map(&in, 2 * S + 1))
        skip();
    const double x[3] = {0.0, 1.0, 3.0};
    for (int i = 0; i < 3; ++i)
        in.base[i * S] = (unsigned char)(x[i] * x[i]);
    const int64_t shape[1] = {3}, strides[1] = {S};
    const ng_array input = {NG_UINT8, 1, shape, strides, in.base};
    double g[3] = {-1, -1, -1};
    ng_array out = {NG_FLOAT64, 1, shape, NULL, g};
    const ng_spacing sp = {NG_SPACING_COORDS, 0, 0, x, 3};
    ng_options opt = NG_OPTIONS_INIT;
    opt.spacing = &sp, opt.nspacing = 1, opt.edge_order = 2;
    assert_int_equal(ng_gradient(&input, &opt, &out, 1), NG_OK);
    assert_true(g[0] == 0.0 && g[1] == 2.0 && g[2] == 6.0);
    unmap(&in);
}

/* Element counts beyond 2^32 (2^31 x 4, over a one-byte input with zero strides):
 * validated in 64-bit arithmetic. The two outputs (64 GiB each, lazily mapped) are
 * shifted by one element against each other, which is refused before any write. */
static void element_counts_beyond_2_32_are_validated(void **state) {
    (void)state;
    if (RUNNING_ON_VALGRIND)
        skip(); /* 64 GiB of mapping, for a validation the other builds check */
    const int64_t shape[2] = {INT64_C(1) << 31, 4};
    const int64_t in_strides[2] = {0, 0};
    unsigned char one = 7;
    const ng_array input = {NG_UINT8, 2, shape, in_strides, &one};
    region out;
    memset(&out, 0, sizeof out);
    if (!map(&out, (INT64_C(1) << 31) * 4 * 8))
        skip();
    ng_array outs[2] = {{NG_FLOAT64, 2, shape, NULL, out.base}, {NG_FLOAT64, 2, shape, NULL, out.base + 8}};
    assert_int_equal(ng_gradient(&input, NULL, outs, 2), NG_ERR_OVERLAP);
    assert_non_null(strstr(ng_last_error(), "outputs[1] overlaps outputs[0]"));
    unmap(&out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(row_strides_beyond_2_31),
        cmocka_unit_test(column_strides_beyond_2_31),
        cmocka_unit_test(negative_strides_beyond_2_31),
        cmocka_unit_test(coordinates_with_strides_beyond_2_31),
        cmocka_unit_test(element_counts_beyond_2_32_are_validated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
