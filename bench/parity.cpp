// Bitwise parity of ng_gradient on random cases: every dtype, input and output layouts
// (permuted, Fortran order, negative, zero and doubled strides, stacked and interleaved
// outputs), dims subsets in any order, scalar and coordinate spacings, both edge orders,
// several thread counts, sizes small and large enough for the kernel's streaming stores.
//
// Each result element is compared bit for bit with a scalar reference written from
// SEMANTICS.md (one element at a time, no layout tricks). With --baseline=LIB the same
// cases also run through another build of libnumgrad (dlopen) and every output buffer,
// padding included, must be byte-identical: how a kernel rewrite proves it changed nothing.
//
//   parity [--cases=N] [--seed=S] [--large=N] [--baseline=path/libnumgrad.so] [-v]
//
// Compile with -ffp-contract=off (the reference must not be fused either).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#define NG_HAVE_DLOPEN 1
#endif

#include "numgrad.h"

namespace {

// ---------------------------------------------------------------- the reference arithmetic
template <class R> struct Cx {
    R re, im;
};

template <class A> struct Ref {
    using Real = A;
    static A sub(A x, A y) { return x - y; }
    static A add(A x, A y) { return x + y; }
    static A scale(Real a, A x) { return a * x; }
    static A div(A x, Real d) { return x / d; }
};
template <class R> struct Ref<Cx<R>> {
    using Real = R;
    using A = Cx<R>;
    static A sub(A x, A y) { return {x.re - y.re, x.im - y.im}; }
    static A add(A x, A y) { return {x.re + y.re, x.im + y.im}; }
    static A scale(R a, A x) { // numpy: (a, 0) * x
        const R z = 0;
        return {a * x.re - z * x.im, a * x.im + z * x.re};
    }
    static A div(A x, R d) { // numpy: x / (d, 0), Smith's method
        const R z = 0, ad = std::fabs(d);
        if (ad >= z) {
            if (ad == z)
                return {x.re / ad, x.im / ad};
            const R rat = z / d, scl = R(1) / (d + z * rat);
            return {(x.re + x.im * rat) * scl, (x.im - x.re * rat) * scl};
        }
        const R rat = d / z, scl = R(1) / (z + d * rat);
        return {(x.re * rat + x.im) * scl, (x.im * rat - x.re) * scl};
    }
};

template <class A, class T> A load(const T &v) { return static_cast<A>(v); }
template <> Cx<float> load<Cx<float>, Cx<float>>(const Cx<float> &v) { return v; }
template <> Cx<double> load<Cx<double>, Cx<float>>(const Cx<float> &v) { return {v.re, v.im}; }
template <> Cx<double> load<Cx<double>, Cx<double>>(const Cx<double> &v) { return v; }
template <class O, class A> O store(const A &v) { return static_cast<O>(v); }
template <> Cx<float> store<Cx<float>, Cx<float>>(const Cx<float> &v) { return v; }
template <> Cx<float> store<Cx<float>, Cx<double>>(const Cx<double> &v) {
    return {float(v.re), float(v.im)};
}
template <> Cx<double> store<Cx<double>, Cx<double>>(const Cx<double> &v) { return v; }

// One element of the derivative along a line: f(j) loads sample j of the line.
template <class A, class F>
A ref_element(F f, int64_t n, int64_t i, int eo, bool uniform, double h, const double *x) {
    using Ar = Ref<A>;
    using R = typename Ar::Real;
    if (uniform) {
        if (i > 0 && i < n - 1)
            return Ar::div(Ar::sub(f(i + 1), f(i - 1)), R(2.0 * h));
        if (eo == 1)
            return i == 0 ? Ar::div(Ar::sub(f(1), f(0)), R(h))
                          : Ar::div(Ar::sub(f(n - 1), f(n - 2)), R(h));
        if (i == 0)
            return Ar::add(Ar::add(Ar::scale(R(-1.5 / h), f(0)), Ar::scale(R(2.0 / h), f(1))),
                           Ar::scale(R(-0.5 / h), f(2)));
        return Ar::add(Ar::add(Ar::scale(R(0.5 / h), f(n - 3)), Ar::scale(R(-2.0 / h), f(n - 2))),
                       Ar::scale(R(1.5 / h), f(n - 1)));
    }
    double a, b, c;
    int64_t j0;
    if (i > 0 && i < n - 1) {
        const double dx1 = x[i] - x[i - 1], dx2 = x[i + 1] - x[i];
        a = -dx2 / (dx1 * (dx1 + dx2));
        b = (dx2 - dx1) / (dx1 * dx2);
        c = dx1 / (dx2 * (dx1 + dx2));
        j0 = i - 1;
    } else if (eo == 1) {
        return i == 0 ? Ar::div(Ar::sub(f(1), f(0)), R(x[1] - x[0]))
                      : Ar::div(Ar::sub(f(n - 1), f(n - 2)), R(x[n - 1] - x[n - 2]));
    } else if (i == 0) {
        const double dx1 = x[1] - x[0], dx2 = x[2] - x[1];
        a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2));
        b = (dx1 + dx2) / (dx1 * dx2);
        c = -dx1 / (dx2 * (dx1 + dx2));
        j0 = 0;
    } else {
        const double dx1 = x[n - 2] - x[n - 3], dx2 = x[n - 1] - x[n - 2];
        a = dx2 / (dx1 * (dx1 + dx2));
        b = -(dx2 + dx1) / (dx1 * dx2);
        c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2));
        j0 = n - 3;
    }
    return Ar::add(Ar::add(Ar::scale(R(a), f(j0)), Ar::scale(R(b), f(j0 + 1))),
                   Ar::scale(R(c), f(j0 + 2)));
}

// ---------------------------------------------------------------- random cases
struct View { // an array view into an owned buffer
    int32_t dtype = NG_FLOAT64;
    int ndim = 0;
    int64_t shape[NG_MAX_NDIM] = {};
    int64_t strides[NG_MAX_NDIM] = {};
    int64_t offset = 0; // elements from buffer start to element (0,...,0)
    size_t buffer = 0;  // which buffer
};

int64_t dsize(int32_t dtype) { return ng_dtype_size(dtype); }

struct Case {
    int32_t dtype;
    int ndim;
    int64_t shape[NG_MAX_NDIM];
    std::vector<int32_t> dims; // as passed (may be negative); empty + null: all
    bool dims_null;
    int edge_order;
    int threads;
    std::vector<ng_spacing> spacing;
    std::vector<std::vector<double>> coords;
    View in;
    std::vector<View> out;
    std::vector<std::vector<unsigned char>> buffers; // [0] input, then output buffers
    std::string layout;
};

struct Rng {
    std::mt19937_64 g;
    explicit Rng(uint64_t seed) : g(seed) {}
    int64_t uni(int64_t lo, int64_t hi) { // inclusive
        return std::uniform_int_distribution<int64_t>(lo, hi)(g);
    }
    double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(g); }
    bool chance(double p) { return real(0, 1) < p; }
};

// Strides for a shape laid out in memory in order `perm` (perm[0] outermost), with
// per-dim step and sign; returns the element count of the buffer and sets offset.
int64_t lay_out(View &v, const int *perm, const int *step, const bool *neg, const bool *zero) {
    int64_t s = 1;
    for (int q = v.ndim - 1; q >= 0; --q) {
        const int d = perm[q];
        v.strides[d] = zero[d] ? 0 : s * step[d];
        if (!zero[d])
            s *= std::max<int64_t>(v.shape[d], 1) * step[d];
    }
    int64_t lo = 0, hi = 0;
    for (int d = 0; d < v.ndim; ++d) {
        if (neg[d])
            v.strides[d] = -v.strides[d];
        const int64_t ext = (std::max<int64_t>(v.shape[d], 1) - 1) * v.strides[d];
        if (ext < 0)
            lo += ext;
        else
            hi += ext;
    }
    v.offset = -lo;
    return hi - lo + 1;
}

void random_layout(Rng &r, View &v, std::string &desc, bool allow_zero) {
    int perm[NG_MAX_NDIM], step[NG_MAX_NDIM];
    bool neg[NG_MAX_NDIM], zero[NG_MAX_NDIM];
    for (int d = 0; d < v.ndim; ++d)
        perm[d] = d;
    const int64_t kind = r.uni(0, 5);
    if (kind == 1) // Fortran order
        std::reverse(perm, perm + v.ndim);
    else if (kind >= 3)
        std::shuffle(perm, perm + v.ndim, r.g);
    const bool odd = r.chance(0.4);
    for (int d = 0; d < v.ndim; ++d) {
        step[d] = odd && r.chance(0.3) ? int(r.uni(2, 3)) : 1;
        neg[d] = odd && r.chance(0.3);
        zero[d] = allow_zero && odd && r.chance(0.1);
    }
    lay_out(v, perm, step, neg, zero);
    desc += kind == 0 ? "C" : kind == 1 ? "F" : kind == 2 ? "C" : "P";
    if (odd)
        desc += "*";
}

template <class T> void fill_random(Rng &r, unsigned char *p, int64_t count, bool specials) {
    T *t = reinterpret_cast<T *>(p);
    for (int64_t i = 0; i < count; ++i) {
        if constexpr (std::is_floating_point<T>::value) {
            double v = r.real(-100, 100);
            if (r.chance(0.2))
                v = std::round(v);
            if (specials && r.chance(0.02)) {
                const double sp[] = {INFINITY, -INFINITY, NAN, -0.0, 1e308, -1e308, 1e-310, 3e38};
                v = sp[r.uni(0, 7)];
            }
            t[i] = T(v);
        } else {
            uint64_t bits = r.g();
            std::memcpy(&t[i], &bits, sizeof(T));
        }
    }
}

void fill_buffer(Rng &r, int32_t dtype, std::vector<unsigned char> &b, bool specials) {
    const int64_t n = int64_t(b.size()) / dsize(dtype);
    switch (dtype) {
    case NG_FLOAT32: fill_random<float>(r, b.data(), n, specials); break;
    case NG_FLOAT64: fill_random<double>(r, b.data(), n, specials); break;
    case NG_COMPLEX64: fill_random<float>(r, b.data(), 2 * n, specials); break;
    case NG_COMPLEX128: fill_random<double>(r, b.data(), 2 * n, specials); break;
    case NG_INT8: case NG_UINT8: fill_random<uint8_t>(r, b.data(), n, false); break;
    case NG_INT16: case NG_UINT16: fill_random<uint16_t>(r, b.data(), n, false); break;
    case NG_INT32: case NG_UINT32: fill_random<uint32_t>(r, b.data(), n, false); break;
    default: fill_random<uint64_t>(r, b.data(), n, false); break;
    }
}

// size class: 0 tiny, 1 medium (rows long enough for the fast kernel), 2 large (streaming)
Case make_case(Rng &r, int size_class) {
    Case c;
    const int32_t dtypes[] = {NG_FLOAT32, NG_FLOAT64, NG_COMPLEX64, NG_COMPLEX128,
                              NG_INT8, NG_INT16, NG_INT32, NG_INT64,
                              NG_UINT8, NG_UINT16, NG_UINT32, NG_UINT64};
    c.dtype = size_class == 2 && r.chance(0.7) ? (r.chance(0.5) ? NG_FLOAT64 : NG_FLOAT32)
                                              : dtypes[r.uni(0, 11)];
    c.ndim = int(size_class == 2 ? r.uni(1, 3) : r.uni(1, 4));
    c.edge_order = int(r.uni(1, 2));
    const int64_t threads[] = {1, 2, 0, 3};
    c.threads = int(threads[r.uni(0, 3)]);
    for (int d = 0; d < c.ndim; ++d) {
        if (size_class == 0)
            c.shape[d] = r.uni(1, 7);
        else if (size_class == 1)
            c.shape[d] = r.chance(0.5) ? r.uni(1, 9) : r.uni(14, 70);
        else
            c.shape[d] = c.ndim == 1 ? r.uni(3000000, 4200000)
                       : c.ndim == 2 ? r.uni(1500, 2100) : r.uni(110, 170);
    }
    // dims: all (null) or a random subset in random order, sometimes negative
    c.dims_null = r.chance(0.4);
    std::vector<int> chosen;
    if (c.dims_null) {
        for (int d = 0; d < c.ndim; ++d)
            chosen.push_back(d);
    } else {
        for (int d = 0; d < c.ndim; ++d)
            if (r.chance(0.6))
                chosen.push_back(d);
        if (chosen.empty())
            chosen.push_back(int(r.uni(0, c.ndim - 1)));
        std::shuffle(chosen.begin(), chosen.end(), r.g);
        for (int d : chosen)
            c.dims.push_back(r.chance(0.3) ? d - c.ndim : d);
    }
    for (int d : chosen)
        c.shape[d] = std::max<int64_t>(c.shape[d], c.edge_order + 1);
    const int k = int(chosen.size());
    // spacing
    const int64_t mode = r.uni(0, 2);
    auto scalar = [&]() {
        // powers of two (divisions done as multiplies) up to the edges of that shortcut
        const double hs[] = {1.0, 0.1, 2.0, 0.37, -0.5, 1e-3, 3.0, 0.25, 0x1p-1000, 0x1p1000,
                             0x1p1022, 0x1p-1074, 1e-310, 0x1p-126, 0x1p126, -0x1p-149, 0.0};
        ng_spacing s = NG_SPACING_UNIT_INIT;
        s.kind = NG_SPACING_SCALAR;
        s.h = r.chance(0.7) ? hs[r.uni(0, 7)] : hs[r.uni(8, 16)];
        return s;
    };
    if (mode == 1 && k >= 1) {
        c.spacing.push_back(scalar());
    } else if (mode == 2) {
        c.coords.resize(size_t(k));
        for (int i = 0; i < k; ++i) {
            if (r.chance(0.4)) {
                c.spacing.push_back(scalar());
                continue;
            }
            const int64_t n = c.shape[chosen[size_t(i)]];
            std::vector<double> &x = c.coords[size_t(i)];
            x.resize(size_t(n));
            const int64_t kind = r.uni(0, 3);
            double acc = r.real(-5, 5);
            for (int64_t j = 0; j < n; ++j) {
                x[size_t(j)] = acc;
                if (kind == 0)
                    acc += r.real(0.05, 2.0); // stretched
                else if (kind == 1)
                    x[size_t(j)] = 0.5 * double(j); // exactly uniform
                else if (kind == 2)
                    acc += r.chance(0.2) ? 0.0 : r.real(0.1, 1.0); // duplicates
                else
                    acc -= r.real(0.1, 1.0); // decreasing
            }
            ng_spacing s = NG_SPACING_UNIT_INIT;
            s.kind = NG_SPACING_COORDS;
            s.coords = x.data();
            s.ncoords = n;
            c.spacing.push_back(s);
        }
    }
    // input layout
    c.in.dtype = c.dtype;
    c.in.ndim = c.ndim;
    std::copy(c.shape, c.shape + c.ndim, c.in.shape);
    const bool big = size_class == 2;
    {
        int perm[NG_MAX_NDIM], step[NG_MAX_NDIM];
        bool neg[NG_MAX_NDIM], zero[NG_MAX_NDIM];
        for (int d = 0; d < c.ndim; ++d)
            perm[d] = d, step[d] = 1, neg[d] = zero[d] = false;
        if (big) {
            c.layout = r.chance(0.5) ? "in F" : "in C";
            if (c.layout == "in F")
                std::reverse(perm, perm + c.ndim);
            lay_out(c.in, perm, step, neg, zero);
        } else {
            c.layout = "in ";
            random_layout(r, c.in, c.layout, true);
        }
    }
    int64_t in_elems = 1;
    for (int d = 0; d < c.ndim; ++d) {
        const int64_t ext = (c.shape[d] - 1) * std::abs(c.in.strides[d]);
        in_elems += ext;
    }
    c.buffers.emplace_back(size_t(in_elems * dsize(c.dtype)));
    fill_buffer(r, c.dtype, c.buffers[0], true);
    // outputs: separate arrays, stacked (k, shape...), or interleaved (shape..., k)
    const int32_t odt = ng_result_dtype(c.dtype);
    const int64_t os = dsize(odt);
    const int64_t okind = r.uni(0, 2);
    c.out.resize(size_t(k));
    if (okind == 0) {
        c.layout += big ? " out separate" : " out separate ";
        for (int i = 0; i < k; ++i) {
            View &v = c.out[size_t(i)];
            v.dtype = odt, v.ndim = c.ndim, v.buffer = size_t(i + 1);
            std::copy(c.shape, c.shape + c.ndim, v.shape);
            std::string d;
            if (big) {
                for (int q = 0; q < c.ndim; ++q) // the input's own order
                    v.strides[q] = c.in.strides[q];
                v.offset = 0;
            } else {
                random_layout(r, v, d, false);
            }
            if (i == 0)
                c.layout += d;
            int64_t elems = 1;
            for (int q = 0; q < c.ndim; ++q)
                elems += (c.shape[q] - 1) * std::abs(v.strides[q]);
            c.buffers.emplace_back(size_t(elems * os + 64));
            v.offset += r.uni(0, 1); // sometimes misaligned to 16 bytes
        }
    } else {
        // one (k+1)-d array: the k axis first (stacked) or last (interleaved)
        View all;
        all.dtype = odt;
        all.ndim = c.ndim + 1;
        int perm[NG_MAX_NDIM], step[NG_MAX_NDIM];
        bool neg[NG_MAX_NDIM], zero[NG_MAX_NDIM];
        const bool stacked = okind == 1;
        c.layout += stacked ? " out stacked" : " out interleaved";
        all.shape[0] = k;
        for (int q = 0; q < c.ndim; ++q)
            all.shape[q + 1] = c.shape[q];
        // memory order: same as the input's (by stride), k axis outermost or innermost
        std::vector<int> order(size_t(c.ndim));
        for (int q = 0; q < c.ndim; ++q)
            order[size_t(q)] = q;
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return std::llabs(c.in.strides[a]) > std::llabs(c.in.strides[b]);
        });
        int p = 0;
        if (stacked)
            perm[p++] = 0;
        for (int q : order)
            perm[p++] = q + 1;
        if (!stacked)
            perm[p++] = 0;
        for (int q = 0; q <= c.ndim; ++q)
            step[q] = 1, neg[q] = !big && r.chance(0.15), zero[q] = false;
        const int64_t elems = lay_out(all, perm, step, neg, zero);
        c.buffers.emplace_back(size_t(elems * os + 64));
        const int64_t shift = r.uni(0, 1);
        for (int i = 0; i < k; ++i) {
            View &v = c.out[size_t(i)];
            v.dtype = odt, v.ndim = c.ndim, v.buffer = 1;
            for (int q = 0; q < c.ndim; ++q)
                v.shape[q] = c.shape[q], v.strides[q] = all.strides[q + 1];
            v.offset = all.offset + i * all.strides[0] + shift;
        }
    }
    return c;
}

ng_array as_array(const View &v, std::vector<std::vector<unsigned char>> &bufs) {
    ng_array a;
    a.dtype = v.dtype;
    a.ndim = v.ndim;
    a.shape = v.shape;
    a.strides = v.strides;
    a.data = bufs[v.buffer].data() + v.offset * dsize(v.dtype);
    return a;
}

using gradient_fn = int32_t (*)(const ng_array *, const ng_options *, ng_array *, int32_t);

int32_t run_case(Case &c, gradient_fn fn, std::vector<std::vector<unsigned char>> &bufs) {
    ng_array in = as_array(c.in, bufs);
    std::vector<ng_array> outs;
    for (const View &v : c.out)
        outs.push_back(as_array(v, bufs));
    ng_options o = NG_OPTIONS_INIT;
    if (!c.dims_null) {
        o.dims = c.dims.data();
        o.ndims = int32_t(c.dims.size());
    }
    o.spacing = c.spacing.empty() ? nullptr : c.spacing.data();
    o.nspacing = int32_t(c.spacing.size());
    o.edge_order = c.edge_order;
    o.threads = c.threads;
    return fn(&in, &o, outs.data(), int32_t(outs.size()));
}

// ---------------------------------------------------------------- checking
// Equal bits, or nan in both (numpy does not define which nan an operation returns: the
// sign and payload of a nan follow operand order, which vectorisation may change).
template <class R> bool same_real(R a, R b) {
    return std::memcmp(&a, &b, sizeof(R)) == 0 || (std::isnan(a) && std::isnan(b));
}
bool same_bits(float a, float b) { return same_real(a, b); }
bool same_bits(double a, double b) { return same_real(a, b); }
template <class R> bool same_bits(const Cx<R> &a, const Cx<R> &b) {
    return same_real(a.re, b.re) && same_real(a.im, b.im);
}

// Whole output buffers against the baseline's: counts the differing reals, and among
// them those that are only a different nan.
template <class R>
void compare_buffers(const std::vector<unsigned char> &x, const std::vector<unsigned char> &y,
                     int64_t &differ, int64_t &nan_only) {
    const size_t n = x.size() / sizeof(R);
    for (size_t i = 0; i < n; ++i) {
        R a, b;
        std::memcpy(&a, x.data() + i * sizeof(R), sizeof(R));
        std::memcpy(&b, y.data() + i * sizeof(R), sizeof(R));
        if (std::memcmp(&a, &b, sizeof(R)) != 0) {
            if (std::isnan(a) && std::isnan(b))
                ++nan_only;
            else
                ++differ;
        }
    }
}
template <class T, class O> struct Checker {
    // One differentiated dim: compares every element of output i with the reference.
    template <class A>
    static int64_t check(const Case &c, const std::vector<std::vector<unsigned char>> &bufs,
                         int i, int dim, bool uniform, double h, const double *x) {
        const T *in = reinterpret_cast<const T *>(bufs[0].data()) + c.in.offset;
        const View &ov = c.out[size_t(i)];
        const O *out = reinterpret_cast<const O *>(bufs[ov.buffer].data()) + ov.offset;
        int64_t total = 1, bad = 0;
        for (int q = 0; q < c.ndim; ++q)
            total *= c.shape[q];
        int64_t idx[NG_MAX_NDIM] = {};
        const int64_t n = c.shape[dim], sa = c.in.strides[dim];
        for (int64_t p = 0; p < total; ++p) {
            int64_t rem = p, fi = 0, fo = 0;
            for (int q = c.ndim - 1; q >= 0; --q) {
                idx[q] = rem % c.shape[q];
                rem /= c.shape[q];
                fi += idx[q] * c.in.strides[q];
                fo += idx[q] * ov.strides[q];
            }
            const T *line = in + fi - idx[dim] * sa;
            auto f = [&](int64_t j) { return load<A, T>(line[j * sa]); };
            const O want = store<O, A>(ref_element<A>(f, n, idx[dim], c.edge_order, uniform, h, x));
            if (!same_bits(want, out[fo]) && ++bad <= 3) {
                std::fprintf(stderr, "  output %d (dim %d) element %" PRId64 ": got ", i, dim, p);
                for (size_t b = 0; b < sizeof(O); ++b)
                    std::fprintf(stderr, "%02x", reinterpret_cast<const unsigned char *>(&out[fo])[b]);
                std::fprintf(stderr, " want ");
                for (size_t b = 0; b < sizeof(O); ++b)
                    std::fprintf(stderr, "%02x", reinterpret_cast<const unsigned char *>(&want)[b]);
                std::fprintf(stderr, "\n");
            }
        }
        return bad;
    }
};

template <class T> struct Natural { using type = double; };
template <> struct Natural<float> { using type = float; };
template <> struct Natural<Cx<float>> { using type = Cx<float>; };
template <> struct Natural<Cx<double>> { using type = Cx<double>; };
template <class T> struct Wide { using type = double; };
template <> struct Wide<Cx<float>> { using type = Cx<double>; };
template <> struct Wide<Cx<double>> { using type = Cx<double>; };

template <class T, class O>
int64_t check_typed(const Case &c, const std::vector<std::vector<unsigned char>> &bufs, int i,
                    int dim, bool uniform, double h, const double *x) {
    if (uniform)
        return Checker<T, O>::template check<typename Natural<T>::type>(c, bufs, i, dim, true, h, x);
    return Checker<T, O>::template check<typename Wide<T>::type>(c, bufs, i, dim, false, h, x);
}

int64_t check_output(const Case &c, const std::vector<std::vector<unsigned char>> &bufs, int i) {
    int dim = c.dims_null ? i : c.dims[size_t(i)];
    if (dim < 0)
        dim += c.ndim;
    bool uniform = true;
    double h = 1.0;
    const double *x = nullptr;
    if (!c.spacing.empty()) {
        const ng_spacing &s = c.spacing.size() == 1 ? c.spacing[0] : c.spacing[size_t(i)];
        if (s.kind == NG_SPACING_SCALAR) {
            h = s.h;
        } else if (s.kind == NG_SPACING_COORDS) {
            x = s.coords;
            const double dx0 = x[1] - x[0];
            for (int64_t j = 1; j + 1 < s.ncoords && uniform; ++j)
                uniform = x[j + 1] - x[j] == dx0;
            if (uniform)
                h = dx0;
        }
    }
    switch (c.dtype) {
    case NG_FLOAT32: return check_typed<float, float>(c, bufs, i, dim, uniform, h, x);
    case NG_FLOAT64: return check_typed<double, double>(c, bufs, i, dim, uniform, h, x);
    case NG_COMPLEX64: return check_typed<Cx<float>, Cx<float>>(c, bufs, i, dim, uniform, h, x);
    case NG_COMPLEX128: return check_typed<Cx<double>, Cx<double>>(c, bufs, i, dim, uniform, h, x);
    case NG_INT8: return check_typed<int8_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_INT16: return check_typed<int16_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_INT32: return check_typed<int32_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_INT64: return check_typed<int64_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_UINT8: return check_typed<uint8_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_UINT16: return check_typed<uint16_t, double>(c, bufs, i, dim, uniform, h, x);
    case NG_UINT32: return check_typed<uint32_t, double>(c, bufs, i, dim, uniform, h, x);
    default: return check_typed<uint64_t, double>(c, bufs, i, dim, uniform, h, x);
    }
}

std::string describe(const Case &c) {
    char buf[512];
    std::string shape;
    for (int d = 0; d < c.ndim; ++d)
        shape += (d ? "x" : "") + std::to_string(c.shape[d]);
    std::string dims = c.dims_null ? "all" : "";
    for (int32_t d : c.dims)
        dims += std::to_string(d) + ",";
    std::string sp;
    for (const ng_spacing &s : c.spacing)
        sp += s.kind == NG_SPACING_SCALAR ? "h" : "x";
    std::snprintf(buf, sizeof buf, "dtype %d shape %s dims %s spacing [%s] eo %d threads %d %s",
                  c.dtype, shape.c_str(), dims.c_str(), sp.c_str(), c.edge_order, c.threads,
                  c.layout.c_str());
    return buf;
}

} // namespace

int main(int argc, char **argv) {
    long cases = 600, large = 6;
    unsigned long long seed = 12345;
    const char *baseline = nullptr;
    bool verbose = false;
    for (int a = 1; a < argc; ++a) {
        if (std::strncmp(argv[a], "--cases=", 8) == 0)
            cases = std::atol(argv[a] + 8);
        else if (std::strncmp(argv[a], "--large=", 8) == 0)
            large = std::atol(argv[a] + 8);
        else if (std::strncmp(argv[a], "--seed=", 7) == 0)
            seed = std::strtoull(argv[a] + 7, nullptr, 10);
        else if (std::strncmp(argv[a], "--baseline=", 11) == 0)
            baseline = argv[a] + 11;
        else if (std::strcmp(argv[a], "-v") == 0)
            verbose = true;
        else {
            std::fprintf(stderr, "usage: %s [--cases=N] [--large=N] [--seed=S] [--baseline=LIB] [-v]\n", argv[0]);
            return 2;
        }
    }
    gradient_fn base = nullptr;
    if (baseline) {
#ifdef NG_HAVE_DLOPEN
        void *h = dlopen(baseline, RTLD_NOW | RTLD_LOCAL);
        if (h)
            base = reinterpret_cast<gradient_fn>(dlsym(h, "ng_gradient"));
        if (!base) {
            std::fprintf(stderr, "cannot load ng_gradient from %s: %s\n", baseline, dlerror());
            return 2;
        }
#else
        std::fprintf(stderr, "--baseline needs dlopen\n");
        return 2;
#endif
    }
    Rng r(seed);
    long failures = 0;
    int64_t nan_bits = 0;
    for (long t = 0; t < cases + large; ++t) {
        const int size_class = t >= cases ? 2 : t % 3 == 0 ? 0 : 1;
        Case c = make_case(r, size_class);
        for (size_t b = 1; b < c.buffers.size(); ++b)
            std::memset(c.buffers[b].data(), 0xA5, c.buffers[b].size());
        std::vector<std::vector<unsigned char>> bufs = c.buffers;
        const int32_t st = run_case(c, ng_gradient, bufs);
        if (verbose)
            std::printf("case %ld: %s\n", t, describe(c).c_str());
        if (st != NG_OK) {
            std::fprintf(stderr, "case %ld failed with %s: %s\n  %s\n", t, ng_status_string(st),
                         ng_last_error(), describe(c).c_str());
            ++failures;
            continue;
        }
        int64_t bad = 0;
        for (int i = 0; i < int(c.out.size()); ++i)
            bad += check_output(c, bufs, i);
        if (base) {
            std::vector<std::vector<unsigned char>> other = c.buffers;
            const int32_t sb = run_case(c, base, other);
            const int32_t odt = ng_result_dtype(c.dtype);
            for (size_t b = 1; b < bufs.size(); ++b) {
                int64_t differ = 0, nan_only = 0;
                if (odt == NG_FLOAT32 || odt == NG_COMPLEX64)
                    compare_buffers<float>(bufs[b], other[b], differ, nan_only);
                else
                    compare_buffers<double>(bufs[b], other[b], differ, nan_only);
                nan_bits += nan_only;
                if (nan_only && verbose)
                    std::printf("  case %ld buffer %zu: %" PRId64 " nans differ in sign or payload: %s\n",
                                t, b, nan_only, describe(c).c_str());
                if (sb != NG_OK || differ) {
                    std::fprintf(stderr, "  buffer %zu: %" PRId64 " values differ from the baseline\n", b, differ);
                    ++bad;
                }
            }
        }
        if (bad) {
            std::fprintf(stderr, "case %ld: %" PRId64 " mismatches\n  %s\n", t, bad, describe(c).c_str());
            ++failures;
        }
    }
    std::printf("%ld cases (%ld large), %ld failed", cases + large, large, failures);
    if (base)
        std::printf("; compared with the baseline library too: %" PRId64
                    " nans with other sign or payload bits", nan_bits);
    std::printf("\n");
    return failures ? 1 : 0;
}
