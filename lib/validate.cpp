// Every check of an ng_gradient call, done before the first write to an output.
#include <algorithm>
#include <cmath>
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
    if (base < -uintptr_t(lo) || base > UINTPTR_MAX - uintptr_t(hi)) // lo <= 0; may be INT64_MIN
        return fail(NG_ERR_OVERFLOW, "%s: its strides reach outside the address space", name);
    layout.lo = base + uintptr_t(lo);
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
    if (opt.reserved2 != 0)
        return fail(NG_ERR_OPTIONS, "options->reserved2 is %d; it must be 0", opt.reserved2);
    if (opt.accuracy == 0)
        opt.accuracy = 2;
    if (opt.accuracy != 2 && opt.accuracy != 4 && opt.accuracy != 6 && opt.accuracy != 8)
        return fail(NG_ERR_ACCURACY, "options->accuracy is %d; it must be 2, 4, 6 or 8",
                    opt.accuracy);
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
    return NG_OK;
}

int32_t check_boundary(const ng_options &opt, Request &rq) {
    const int k = rq.k;
    if (opt.nboundary < 0 || (opt.nboundary > 1 && opt.nboundary != k))
        return fail(NG_ERR_BOUNDARY,
                    "options->nboundary is %d but %d dims are differentiated: give 0 (edge "
                    "everywhere), 1 (one boundary for all) or %d (one per dim)",
                    opt.nboundary, k, k);
    if (opt.nboundary > 0 && !opt.boundary)
        return fail(NG_ERR_NULL_POINTER, "options->boundary is NULL but options->nboundary is %d",
                    opt.nboundary);
    rq.general = rq.accuracy != 2;
    for (int i = 0; i < k; ++i) {
        Axis &a = rq.axes[i];
        a.lower = a.upper = NG_BOUNDARY_EDGE;
        a.period = 0;
        a.halo_lo = a.halo_hi = 0;
        if (opt.nboundary == 0)
            continue;
        const int e = opt.nboundary == 1 ? 0 : i;
        const ng_boundary &b = opt.boundary[e];
        const int32_t sides[2] = {b.lower, b.upper};
        for (int side = 0; side < 2; ++side)
            if (sides[side] < NG_BOUNDARY_EDGE || sides[side] > NG_BOUNDARY_HALO)
                return fail(NG_ERR_BOUNDARY,
                            "options->boundary[%d].%s is %d; it must be NG_BOUNDARY_EDGE (0), "
                            "NG_BOUNDARY_PERIODIC (1) or NG_BOUNDARY_HALO (2)",
                            e, side ? "upper" : "lower", sides[side]);
        const bool periodic = b.lower == NG_BOUNDARY_PERIODIC;
        if (periodic != (b.upper == NG_BOUNDARY_PERIODIC))
            return fail(NG_ERR_BOUNDARY,
                        "options->boundary[%d] is periodic on one side only: periodic samples "
                        "wrap around both sides",
                        e);
        if (periodic && a.x && b.period == 0)
            return fail(NG_ERR_BOUNDARY,
                        "options->boundary[%d] is periodic over coordinates but has no period: "
                        "set period so that x[n] = x[0] + period",
                        e);
        if (b.period != 0 && !(periodic && a.x))
            return fail(NG_ERR_BOUNDARY,
                        "options->boundary[%d].period is %g, but only periodic coordinates take a "
                        "period (a uniform spacing h repeats after n*h)",
                        e, b.period);
        a.lower = b.lower, a.upper = b.upper, a.period = b.period;
        a.halo_lo = b.lower == NG_BOUNDARY_HALO ? rq.accuracy / 2 : 0;
        a.halo_hi = b.upper == NG_BOUNDARY_HALO ? rq.accuracy / 2 : 0;
        if (b.lower != NG_BOUNDARY_EDGE || b.upper != NG_BOUNDARY_EDGE)
            rq.general = true;
    }
    return NG_OK;
}

// Strict mode: finite, nonzero spacings; finite, strictly monotonic coordinates.
int32_t check_strict(const ng_options &opt, int i, const Axis &a) {
    const int e = opt.nspacing == 1 ? 0 : i;
    const int eb = opt.nboundary == 1 ? 0 : i;
    if (!a.x) {
        if (!std::isfinite(a.h) || a.h == 0)
            return fail(NG_ERR_COORDINATES,
                        "options->spacing[%d].h is %g; strict mode needs a finite, nonzero spacing",
                        e, a.h);
        return NG_OK;
    }
    for (int64_t j = 0; j < a.n; ++j)
        if (!std::isfinite(a.x[j]))
            return fail(NG_ERR_COORDINATES,
                        "options->spacing[%d].coords[%lld] is %g; strict mode needs finite coordinates",
                        e, ll(j), a.x[j]);
    const double sign = a.x[1] > a.x[0] ? 1.0 : -1.0;
    for (int64_t j = 0; j + 1 < a.n; ++j)
        if (!((a.x[j + 1] - a.x[j]) * sign > 0))
            return fail(NG_ERR_COORDINATES,
                        "options->spacing[%d].coords are not strictly monotonic: coords[%lld] = %g, "
                        "coords[%lld] = %g",
                        e, ll(j), a.x[j], ll(j + 1), a.x[j + 1]);
    if (a.lower == NG_BOUNDARY_PERIODIC) {
        const double next = a.x[0] + a.period;
        if (!std::isfinite(a.period) || !((next - a.x[a.n - 1]) * sign > 0))
            return fail(NG_ERR_COORDINATES,
                        "options->boundary[%d].period is %g: x[0] + period = %g does not continue "
                        "the coordinates strictly monotonically after x[n-1] = %g",
                        eb, a.period, next, a.x[a.n - 1]);
    }
    return NG_OK;
}

int32_t check_samples(const ng_options &opt, Request &rq) {
    for (int i = 0; i < rq.k; ++i) {
        Axis &a = rq.axes[i];
        const bool numpy = !rq.general || (rq.accuracy == 2 && a.lower == NG_BOUNDARY_EDGE &&
                                           a.upper == NG_BOUNDARY_EDGE);
        const int need = numpy ? rq.edge_order + 1 : rq.accuracy + 1;
        if (a.n < need)
            return numpy ? fail(NG_ERR_TOO_FEW_POINTS,
                                "dim %d has %lld samples; edge_order %d needs at least %d", a.dim,
                                ll(a.n), rq.edge_order, need)
                         : fail(NG_ERR_TOO_FEW_POINTS,
                                "dim %d has %lld samples; accuracy %d with its boundaries needs at "
                                "least %d",
                                a.dim, ll(a.n), rq.accuracy, need);
        rq.out_shape[a.dim] = a.n - a.halo_lo - a.halo_hi;
        if (opt.strict)
            if (int32_t status = check_strict(opt, i, a))
                return status;
        if (a.x) {
            // numpy's shortcut: exactly equal steps use the scalar formulas (periodic
            // coordinates only when the wrap-around step is equal too).
            const double dx0 = a.x[1] - a.x[0];
            bool equal = true;
            for (int64_t j = 1; j + 1 < a.n && equal; ++j)
                equal = a.x[j + 1] - a.x[j] == dx0;
            if (a.lower == NG_BOUNDARY_PERIODIC)
                equal = equal && (a.x[0] + a.period) - a.x[a.n - 1] == dx0;
            if (equal)
                a.uniform = true, a.h = dx0, a.x = nullptr, a.period = 0;
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
    rq.accuracy = opt.accuracy;
    std::copy(rq.shape, rq.shape + ndim, rq.out_shape);
    if (int32_t status = check_spacing(opt, rq))
        return status;
    if (int32_t status = check_boundary(opt, rq))
        return status;
    if (int32_t status = check_samples(opt, rq))
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
            if (o.shape[j] != rq.out_shape[j])
                return rq.out_shape[j] == rq.shape[j]
                           ? fail(NG_ERR_OUTPUT_SHAPE, "%s.shape[%d] is %lld but input->shape[%d] is %lld",
                                  name, j, ll(o.shape[j]), j, ll(rq.shape[j]))
                           : fail(NG_ERR_OUTPUT_SHAPE,
                                  "%s.shape[%d] is %lld but must be %lld: input->shape[%d] is %lld, "
                                  "less its halo cells",
                                  name, j, ll(o.shape[j]), ll(rq.out_shape[j]), j, ll(rq.shape[j]));
        out_layout[i] = Layout{};
        if (rq.size > 0) {
            if (!o.data)
                return fail(NG_ERR_NULL_POINTER, "%s.data is NULL", name);
            if (int32_t status = measure(o, rq.out_shape, ndim, out_itemsize, name, out_layout[i]))
                return status;
            if (!elements_distinct(out_layout[i], rq.out_shape, ndim))
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
