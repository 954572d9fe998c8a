// Every check of an ng_gradient call, done before the first write to an output.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include "dtype.hpp"
#include "error.hpp"
#include "request.hpp"

namespace ng {

namespace {

using ll = long long; // for printf

// Every ng_options has at least the fields of version 1 (through `reserved`).
constexpr size_t options_v1_size = offsetof(ng_options, reserved) + sizeof(int32_t);

// The memory one descriptor spans, checked against int64 and address overflow.
struct Layout {
    int64_t strides[NG_MAX_NDIM]; // elements (C-contiguous when the caller gave NULL)
    int64_t itemsize;
    uintptr_t lo, hi;             // absolute byte range [lo, hi) touched (size > 0)
};

// Resolves strides and the byte range of an array of `shape` (size > 0 elements).
int32_t measure(const ng_array &a, const int64_t *shape, int ndim, int64_t itemsize,
                const char *name, Layout &layout) {
    layout.itemsize = itemsize;
    int64_t running = 1;
    for (int j = ndim - 1; j >= 0; --j) {
        layout.strides[j] = a.strides ? a.strides[j] : running;
        if (__builtin_mul_overflow(running, shape[j], &running))
            return fail(NG_ERR_OVERFLOW, "%s: the size of its dims %d.. overflows int64", name, j);
    }
    int64_t lo = 0, hi = itemsize;
    for (int j = 0; j < ndim; ++j) {
        int64_t step;
        if (__builtin_mul_overflow(layout.strides[j], itemsize, &step) ||
            __builtin_mul_overflow(step, shape[j] - 1, &step) ||
            __builtin_add_overflow(step < 0 ? lo : hi, step, step < 0 ? &lo : &hi))
            return fail(NG_ERR_OVERFLOW,
                        "%s: the byte offset of dim %d (stride %lld elements, extent %lld) "
                        "overflows int64",
                        name, j, ll(layout.strides[j]), ll(shape[j]));
    }
    const uintptr_t base = reinterpret_cast<uintptr_t>(a.data);
    if (base < uintptr_t(-lo) || base > UINTPTR_MAX - uintptr_t(hi))
        return fail(NG_ERR_OVERFLOW, "%s: its strides reach outside the address space", name);
    layout.lo = base - uintptr_t(-lo);
    layout.hi = base + uintptr_t(hi);
    return NG_OK;
}

// True when no two elements of an array share memory: sorted by stride, each dim must
// step past everything the smaller dims span (true of every slice of a C or Fortran
// array; an exotic interleaving that also avoids collisions is rejected).
bool elements_distinct(const Layout &layout, const int64_t *shape, int ndim) {
    struct Step {
        int64_t stride, n;
    } steps[NG_MAX_NDIM];
    int m = 0;
    for (int j = 0; j < ndim; ++j)
        if (shape[j] > 1)
            steps[m++] = {std::abs(layout.strides[j]), shape[j]};
    std::sort(steps, steps + m, [](const Step &a, const Step &b) { return a.stride < b.stride; });
    int64_t reach = 0; // the largest offset the smaller dims reach, in elements
    for (int j = 0; j < m; ++j) {
        if (steps[j].stride <= reach)
            return false;
        reach += steps[j].stride * (steps[j].n - 1); // fits: measure() bounded it
    }
    return true;
}

// True when two arrays can share a byte. Disjoint ranges never do; interleaved arrays
// (e.g. the k outputs as a[..., i] of one buffer) are told apart by the residues of
// their addresses modulo the gcd of all their byte strides.
bool may_overlap(const Layout &a, const Layout &b, const int64_t *shape, int ndim) {
    if (a.hi <= b.lo || b.hi <= a.lo)
        return false;
    uint64_t g = 0;
    for (int j = 0; j < ndim; ++j)
        if (shape[j] > 1)
            g = std::gcd(g, uint64_t(std::abs(a.strides[j]) * a.itemsize)),
            g = std::gcd(g, uint64_t(std::abs(b.strides[j]) * b.itemsize));
    if (g == 0)
        return true;
    // Every element of a starts at a residue of a.lo and covers itemsize bytes.
    const int64_t diff = int64_t(b.lo - a.lo); // b's start relative to a's (two's complement)
    const uint64_t delta = uint64_t(((diff % int64_t(g)) + int64_t(g)) % int64_t(g));
    return !(delta >= uint64_t(a.itemsize) && g - delta >= uint64_t(b.itemsize));
}

int32_t check_options(const ng_options *given, ng_options &opt) {
    if (!given)
        return NG_OK;
    const uint32_t size = given->struct_size;
    if (size < options_v1_size)
        return fail(NG_ERR_OPTIONS,
                    "options->struct_size is %u, smaller than any ng_options (%zu bytes): "
                    "initialise options with NG_OPTIONS_INIT",
                    size, options_v1_size);
    if (size > sizeof(ng_options)) {
        const unsigned char *extra = reinterpret_cast<const unsigned char *>(given);
        for (uint32_t i = sizeof(ng_options); i < size; ++i)
            if (extra[i] != 0)
                return fail(NG_ERR_OPTIONS,
                            "options->struct_size is %u: options of a newer numgrad are set, "
                            "which this library (%zu bytes of options) does not know",
                            size, sizeof(ng_options));
    }
    std::memcpy(&opt, given, std::min<size_t>(size, sizeof(ng_options)));
    if (opt.reserved != 0)
        return fail(NG_ERR_OPTIONS, "options->reserved is %d; it must be 0", opt.reserved);
    if (opt.threads < 0)
        return fail(NG_ERR_OPTIONS, "options->threads is %d; give 0 (default) or a positive count",
                    opt.threads);
    if (opt.edge_order != 1 && opt.edge_order != 2)
        return fail(NG_ERR_EDGE_ORDER, "options->edge_order is %d; it must be 1 or 2",
                    opt.edge_order);
    return NG_OK;
}

int32_t check_dims(const ng_options &opt, int ndim, Request &rq) {
    if (!opt.dims) {
        if (opt.ndims != 0)
            return fail(NG_ERR_NULL_POINTER, "options->dims is NULL but options->ndims is %d",
                        opt.ndims);
        rq.k = ndim;
        for (int j = 0; j < ndim; ++j)
            rq.axes[j].dim = j;
        return NG_OK;
    }
    if (opt.ndims < 0)
        return fail(NG_ERR_DIM_RANGE, "options->ndims is %d; it must be >= 0", opt.ndims);
    int named_by[NG_MAX_NDIM];
    std::fill(named_by, named_by + NG_MAX_NDIM, -1);
    for (int i = 0; i < opt.ndims; ++i) { // stops at ndim+1 entries at the latest
        const int32_t d = opt.dims[i];
        if (d < -ndim || d >= ndim)
            return ndim == 0
                       ? fail(NG_ERR_DIM_RANGE, "options->dims[%d] is %d, but a 0-d input has no dims", i, d)
                       : fail(NG_ERR_DIM_RANGE, "options->dims[%d] is %d, outside %d..%d for a %d-d input",
                              i, d, -ndim, ndim - 1, ndim);
        const int dim = d < 0 ? d + ndim : d;
        if (named_by[dim] >= 0)
            return fail(NG_ERR_DIM_REPEATED,
                        "options->dims[%d] is %d, naming dim %d again (options->dims[%d] named it)",
                        i, d, dim, named_by[dim]);
        named_by[dim] = i;
        rq.axes[i].dim = dim;
    }
    rq.k = opt.ndims;
    return NG_OK;
}

int32_t check_spacing(const ng_options &opt, Request &rq) {
    const int k = rq.k;
    if (opt.nspacing < 0 || (opt.nspacing > 1 && opt.nspacing != k))
        return fail(NG_ERR_SPACING_COUNT,
                    "options->nspacing is %d but %d dims are differentiated: give 0 (unit "
                    "spacing), 1 (one spacing for all) or %d (one per dim)",
                    opt.nspacing, k, k);
    if (opt.nspacing > 0 && !opt.spacing)
        return fail(NG_ERR_NULL_POINTER, "options->spacing is NULL but options->nspacing is %d",
                    opt.nspacing);
    if (opt.nspacing == 1 && k > 1 && opt.spacing[0].kind == NG_SPACING_COORDS)
        return fail(NG_ERR_SPACING_COUNT,
                    "options->spacing[0] holds coordinates, which belong to one dim, but %d dims "
                    "are differentiated: give one spacing per dim",
                    k);
    for (int i = 0; i < k; ++i) {
        Axis &axis = rq.axes[i];
        axis.n = rq.shape[axis.dim];
        axis.uniform = true;
        axis.h = 1.0;
        axis.x = nullptr;
        if (opt.nspacing == 0)
            continue;
        const int e = opt.nspacing == 1 ? 0 : i;
        const ng_spacing &s = opt.spacing[e];
        if (s.reserved != 0)
            return fail(NG_ERR_SPACING, "options->spacing[%d].reserved is %d; it must be 0", e,
                        s.reserved);
        switch (s.kind) {
        case NG_SPACING_UNIT:
            break;
        case NG_SPACING_SCALAR:
            axis.h = s.h;
            break;
        case NG_SPACING_COORDS:
            if (!s.coords)
                return fail(NG_ERR_NULL_POINTER, "options->spacing[%d].coords is NULL", e);
            if (s.ncoords != axis.n)
                return fail(NG_ERR_COORD_LENGTH,
                            "options->spacing[%d] has %lld coordinates but dim %d has %lld samples",
                            e, ll(s.ncoords), axis.dim, ll(axis.n));
            axis.uniform = false;
            axis.x = s.coords;
            break;
        default:
            return fail(NG_ERR_SPACING,
                        "options->spacing[%d].kind is %d; it must be NG_SPACING_UNIT (0), "
                        "NG_SPACING_SCALAR (1) or NG_SPACING_COORDS (2)",
                        e, s.kind);
        }
    }
    for (int i = 0; i < k; ++i) {
        Axis &axis = rq.axes[i];
        if (axis.n < rq.edge_order + 1)
            return fail(NG_ERR_TOO_FEW_POINTS,
                        "dim %d has %lld samples; edge_order %d needs at least %d", axis.dim,
                        ll(axis.n), rq.edge_order, rq.edge_order + 1);
        if (!axis.uniform) {
            // numpy's shortcut: exactly equal steps use the scalar formulas.
            const double dx0 = axis.x[1] - axis.x[0];
            bool equal = true;
            for (int64_t j = 1; j + 1 < axis.n && equal; ++j)
                equal = axis.x[j + 1] - axis.x[j] == dx0;
            if (equal)
                axis.uniform = true, axis.h = dx0, axis.x = nullptr;
        }
    }
    return NG_OK;
}

} // namespace

int32_t validate(const ng_array *input, const ng_options *options, const ng_array *outputs,
                 int32_t noutputs, Request &rq) {
    if (!input)
        return fail(NG_ERR_NULL_POINTER, "input is NULL");
    ng_options opt = NG_OPTIONS_INIT;
    if (int32_t status = check_options(options, opt))
        return status;

    const DtypeInfo *info = dtype_info(input->dtype);
    if (!info)
        return fail(NG_ERR_DTYPE, "input->dtype is %d, which is not a supported ng_dtype",
                    input->dtype);
    if (input->ndim < 0 || input->ndim > NG_MAX_NDIM)
        return fail(NG_ERR_NDIM, "input->ndim is %d, outside 0..%d", input->ndim, NG_MAX_NDIM);
    const int ndim = input->ndim;
    if (ndim > 0 && !input->shape)
        return fail(NG_ERR_NULL_POINTER, "input->shape is NULL but input->ndim is %d", ndim);
    rq.dtype = input->dtype;
    rq.out_dtype = info->result;
    rq.ndim = ndim;
    rq.edge_order = opt.edge_order;
    rq.threads = opt.threads;
    rq.size = 1;
    for (int j = 0; j < ndim; ++j) {
        const int64_t n = input->shape[j];
        if (n < 0)
            return fail(NG_ERR_SHAPE, "input->shape[%d] is %lld; extents must be >= 0", j, ll(n));
        rq.shape[j] = n;
    }
    for (int j = 0; j < ndim && rq.size > 0; ++j)
        if (rq.shape[j] == 0)
            rq.size = 0;
    for (int j = 0; j < ndim && rq.size > 0; ++j)
        if (__builtin_mul_overflow(rq.size, rq.shape[j], &rq.size))
            return fail(NG_ERR_OVERFLOW, "input: the number of elements overflows int64");

    Layout in_layout{};
    if (rq.size > 0) {
        if (!input->data)
            return fail(NG_ERR_NULL_POINTER, "input->data is NULL");
        if (int32_t status = measure(*input, rq.shape, ndim, info->size, "input", in_layout))
            return status;
    }
    std::copy(in_layout.strides, in_layout.strides + ndim, rq.in_strides);
    rq.in = input->data;

    if (int32_t status = check_dims(opt, ndim, rq))
        return status;
    if (int32_t status = check_spacing(opt, rq))
        return status;

    if (noutputs != rq.k)
        return fail(NG_ERR_OUTPUT_COUNT, "noutputs is %d but %d dims are differentiated",
                    noutputs, rq.k);
    if (rq.k > 0 && !outputs)
        return fail(NG_ERR_NULL_POINTER, "outputs is NULL but noutputs is %d", noutputs);
    Layout out_layout[NG_MAX_NDIM];
    const int64_t out_itemsize = dtype_info(rq.out_dtype)->size;
    for (int i = 0; i < rq.k; ++i) {
        const ng_array &o = outputs[i];
        char name[32];
        std::snprintf(name, sizeof name, "outputs[%d]", i);
        if (o.dtype != rq.out_dtype)
            return fail(NG_ERR_OUTPUT_DTYPE, "%s.dtype is %s (%d) but a %s input gives %s", name,
                        dtype_name(o.dtype), o.dtype, info->name, dtype_name(rq.out_dtype));
        if (o.ndim != ndim)
            return fail(NG_ERR_OUTPUT_SHAPE, "%s.ndim is %d but the input's is %d", name, o.ndim,
                        ndim);
        if (ndim > 0 && !o.shape)
            return fail(NG_ERR_NULL_POINTER, "%s.shape is NULL but its ndim is %d", name, ndim);
        for (int j = 0; j < ndim; ++j)
            if (o.shape[j] != rq.shape[j])
                return fail(NG_ERR_OUTPUT_SHAPE, "%s.shape[%d] is %lld but input->shape[%d] is %lld",
                            name, j, ll(o.shape[j]), j, ll(rq.shape[j]));
        out_layout[i] = Layout{};
        if (rq.size > 0) {
            if (!o.data)
                return fail(NG_ERR_NULL_POINTER, "%s.data is NULL", name);
            if (int32_t status = measure(o, rq.shape, ndim, out_itemsize, name, out_layout[i]))
                return status;
            if (!elements_distinct(out_layout[i], rq.shape, ndim))
                return fail(NG_ERR_OVERLAP, "%s has strides that make two of its elements share memory",
                            name);
            if (may_overlap(out_layout[i], in_layout, rq.shape, ndim))
                return fail(NG_ERR_OVERLAP, "%s overlaps the input", name);
            for (int j = 0; j < i; ++j)
                if (may_overlap(out_layout[i], out_layout[j], rq.shape, ndim))
                    return fail(NG_ERR_OVERLAP, "%s overlaps outputs[%d]", name, j);
        }
        rq.out[i] = o.data;
        std::copy(out_layout[i].strides, out_layout[i].strides + ndim, rq.out_strides[i]);
    }
    return NG_OK;
}

} // namespace ng
