/*
 * The C half of the Fortran module numgrad: turns the Fortran 2018 descriptors of an
 * assumed-rank input and output (ISO_Fortran_binding.h) into ng_array views of the
 * same memory and calls ng_gradient. Nothing is copied.
 *
 * Dims keep Fortran's order: ng dim j is Fortran dim j+1 (dim 1 varies fastest, so its
 * stride is usually 1). The library accepts any strides, so no reversal is needed.
 * CFI strides (sm) are bytes; ng_array strides are elements.
 *
 * Only the module's Fortran code calls ngf_gradient; it is hidden from the library's
 * exported symbols. The Fortran side has already checked everything that names a dim
 * (so its messages use Fortran's numbering); this layer only re-checks the descriptors.
 */
#include <ISO_Fortran_binding.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numgrad.h"

#if defined(__GNUC__) || defined(__clang__)
#  define NGF_INTERNAL __attribute__((visibility("hidden")))
#else
#  define NGF_INTERNAL
#endif

/* Stands in for the data pointer of an empty array and for an empty dims list. */
static int32_t ngf_empty[1];

/* Copies `text` into the blank-padded Fortran character buffer msg(1:msglen). */
static void ngf_message(char *msg, int32_t msglen, const char *text) {
    size_t n = strlen(text);
    if (msglen <= 0)
        return;
    if (n > (size_t)msglen)
        n = (size_t)msglen;
    memcpy(msg, text, n);
    memset(msg + n, ' ', (size_t)msglen - n);
}

static int32_t ngf_fail(int32_t status, char *msg, int32_t msglen, const char *text) {
    ngf_message(msg, msglen, text);
    return status;
}

/*
 * Shape and element strides of the first `rank` dims of descriptor d, whose elements
 * must be `itemsize` bytes. Returns 0 or an error status with a message.
 */
static int32_t ngf_describe(const CFI_cdesc_t *d, int rank, int64_t itemsize, const char *name,
                            int64_t *shape, int64_t *strides, char *msg, int32_t msglen) {
    char text[160];
    int j;
    if ((int64_t)d->elem_len != itemsize) {
        snprintf(text, sizeof text, "%s has %lld-byte elements where %lld were expected", name,
                 (long long)d->elem_len, (long long)itemsize);
        return ngf_fail(NG_ERR_INTERNAL, msg, msglen, text);
    }
    for (j = 0; j < rank; ++j) {
        const CFI_index_t sm = d->dim[j].sm;
        if (d->dim[j].extent < 0) {
            snprintf(text, sizeof text,
                     "%s is assumed-size (its last extent is unknown): pass a section with an "
                     "upper bound",
                     name);
            return ngf_fail(NG_ERR_SHAPE, msg, msglen, text);
        }
        if (sm % (CFI_index_t)itemsize != 0) {
            snprintf(text, sizeof text,
                     "%s: the stride of dim %d (%lld bytes) is not a whole number of "
                     "%lld-byte elements",
                     name, j + 1, (long long)sm, (long long)itemsize);
            return ngf_fail(NG_ERR_SHAPE, msg, msglen, text);
        }
        shape[j] = (int64_t)d->dim[j].extent;
        strides[j] = (int64_t)(sm / (CFI_index_t)itemsize);
    }
    return NG_OK;
}

static void *ngf_data(const CFI_cdesc_t *d) {
    return d->base_addr ? d->base_addr : (void *)ngf_empty;
}

/*
 * f: the input, of ng dtype `dtype`. out: with stacked != 0, an array of f's shape (less
 * its halo cells) plus one trailing dim, out(..., k) receiving the k-th derivative; with
 * stacked == 0, one such array without the trailing dim. dims: ndims 0-based dims
 * (already checked). spacing: nspacing ng_spacing entries; boundary: nboundary
 * ng_boundary entries; accuracy, strict: as in ng_options. msg(1:msglen) receives the
 * message of an error, blank-padded.
 */
NGF_INTERNAL int32_t ngf_gradient(const CFI_cdesc_t *f, int32_t dtype, const CFI_cdesc_t *out,
                                  int32_t stacked, int32_t ndims, const int32_t *dims,
                                  int32_t nspacing, const ng_spacing *spacing, int32_t edge_order,
                                  int32_t threads, int32_t nboundary, const ng_boundary *boundary,
                                  int32_t accuracy, int32_t strict, char *msg, int32_t msglen) {
    int64_t in_shape[CFI_MAX_RANK], in_strides[CFI_MAX_RANK];
    int64_t out_shape[CFI_MAX_RANK], out_strides[CFI_MAX_RANK];
    ng_array input, outputs[CFI_MAX_RANK];
    ng_options options = NG_OPTIONS_INIT;
    const int rank = f->rank;
    const int32_t out_dtype = ng_result_dtype(dtype);
    int32_t noutputs = 1, status, k;
    ptrdiff_t step = 0;

    if (out_dtype < 0)
        return ngf_fail(NG_ERR_DTYPE, msg, msglen, "unsupported element type");
    if (out->rank != rank + (stacked ? 1 : 0))
        return ngf_fail(NG_ERR_OUTPUT_SHAPE, msg, msglen, "the output has the wrong rank");
    status = ngf_describe(f, rank, ng_dtype_size(dtype), "f", in_shape, in_strides, msg, msglen);
    if (status != NG_OK)
        return status;
    status = ngf_describe(out, out->rank, ng_dtype_size(out_dtype), "the output", out_shape,
                          out_strides, msg, msglen);
    if (status != NG_OK)
        return status;
    if (stacked) {
        if (out_shape[rank] > CFI_MAX_RANK)
            return ngf_fail(NG_ERR_OUTPUT_COUNT, msg, msglen,
                            "the output's last extent exceeds the number of dims");
        noutputs = (int32_t)out_shape[rank];
        step = (ptrdiff_t)out->dim[rank].sm;
    }

    input.dtype = dtype;
    input.ndim = rank;
    input.shape = in_shape;
    input.strides = in_strides;
    input.data = ngf_data(f);
    for (k = 0; k < noutputs; ++k) {
        outputs[k].dtype = out_dtype;
        outputs[k].ndim = rank;
        outputs[k].shape = out_shape;
        outputs[k].strides = out_strides;
        outputs[k].data = (char *)ngf_data(out) + step * k;
    }

    options.ndims = ndims;
    options.dims = ndims > 0 ? dims : ngf_empty; /* never NULL: NULL means "all dims" */
    options.nspacing = nspacing;
    options.spacing = nspacing > 0 ? spacing : NULL;
    options.edge_order = edge_order;
    options.threads = threads;
    options.nboundary = nboundary;
    options.boundary = nboundary > 0 ? boundary : NULL;
    options.accuracy = accuracy;
    options.strict = strict;

    status = ng_gradient(&input, &options, outputs, noutputs);
    if (status != NG_OK)
        ngf_message(msg, msglen, ng_last_error());
    return status;
}
