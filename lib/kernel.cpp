// The fast path: numpy.gradient's arithmetic (SEMANTICS.md), looped over any strided layout.
//
// Each differentiated axis is computed on its own. The other dims are merged where the
// input and the output are both contiguous across them, then the axis runs either in
// row mode (when another dim is more contiguous than the axis: every position i along
// the axis is a row of elements, each row a vectorisable loop over three input rows) or
// in line mode (the axis is the most contiguous dim: each line along it is one loop).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "request.hpp"
#include "threads.hpp"

#if defined(_OPENMP)
#define NG_PRAGMA(x) _Pragma(#x)
#else
#define NG_PRAGMA(x)
#endif

namespace ng {

namespace {

template <class R> struct Complex {
    R re, im;
};

// Arithmetic in type A exactly as numpy's ufunc loops perform it.
template <class A> struct Arith {
    using Real = A;
    static A sub(A x, A y) { return x - y; }
    static A add(A x, A y) { return x + y; }
    static A scale(Real a, A x) { return a * x; }
    static A divide(A x, Real d) { return x / d; }
};

template <class R> struct Arith<Complex<R>> {
    using Real = R;
    using A = Complex<R>;
    static A sub(A x, A y) { return {x.re - y.re, x.im - y.im}; }
    static A add(A x, A y) { return {x.re + y.re, x.im + y.im}; }
    // numpy multiplies by the real a as by the complex (a, 0); the zero products stay so
    // that inf and nan propagate as numpy's do.
    static A scale(R a, A x) {
        const R z = 0;
        return {a * x.re - z * x.im, a * x.im + z * x.re};
    }
    // numpy divides by the complex (d, 0) with Smith's method: a multiply by 1/d, which
    // differs from x/d in the last bit. Copied branch for branch from numpy's loops.
    static A divide(A x, R d) {
        const R z = 0, d_abs = std::fabs(d);
        if (d_abs >= z) {
            if (d_abs == z)
                return {x.re / d_abs, x.im / d_abs};
            const R rat = z / d, scl = R(1) / (d + z * rat);
            return {(x.re + x.im * rat) * scl, (x.im - x.re * rat) * scl};
        }
        const R rat = d / z, scl = R(1) / (z + d * rat); // d is nan
        return {(x.re * rat + x.im) * scl, (x.im * rat - x.re) * scl};
    }
};

// Element conversions: loading the input into the arithmetic type, storing results.
template <class To, class From> struct Convert {
    static To from(const From &v) { return static_cast<To>(v); }
};
template <class R, class S> struct Convert<Complex<R>, Complex<S>> {
    static Complex<R> from(const Complex<S> &v) {
        return {static_cast<R>(v.re), static_cast<R>(v.im)};
    }
};

// The two shapes of every formula, over m elements with element strides: a difference
// divided by a spacing, and a weighted sum of three neighbours along the axis.
template <class T, class O, class A> struct Rows {
    using Ar = Arith<A>;
    using R = typename Ar::Real;
    static A ld(const T &v) { return Convert<A, T>::from(v); }
    static O st(const A &v) { return Convert<O, A>::from(v); }

    // o[j] = (fp[j] - fm[j]) / d
    static void diff(const T *fp, const T *fm, int64_t si, O *o, int64_t so, int64_t m, R d) {
        if (si == 1 && so == 1) {
            const T *__restrict p = fp, *__restrict q = fm;
            O *__restrict w = o;
            for (int64_t j = 0; j < m; ++j)
                w[j] = st(Ar::divide(Ar::sub(ld(p[j]), ld(q[j])), d));
            return;
        }
        for (int64_t j = 0; j < m; ++j)
            o[j * so] = st(Ar::divide(Ar::sub(ld(fp[j * si]), ld(fm[j * si])), d));
    }

    // o[j] = a[j*cs]*f0[j] + b[j*cs]*f1[j] + c[j*cs]*f2[j], f1 = f0 + sa, f2 = f0 + 2*sa
    template <class C>
    static void term3(const T *f0, int64_t sa, int64_t si, O *o, int64_t so, int64_t m,
                      const C *a, const C *b, const C *c, int64_t cs) {
        const T *f1 = f0 + sa, *f2 = f0 + 2 * sa;
        auto at = [&](int64_t j, int64_t fj, int64_t cj) {
            return st(Ar::add(Ar::add(Ar::scale(R(a[cj]), ld(f0[fj])), Ar::scale(R(b[cj]), ld(f1[fj]))),
                              Ar::scale(R(c[cj]), ld(f2[fj]))));
            (void)j;
        };
        if (si == 1 && so == 1 && cs == 1) {
            for (int64_t j = 0; j < m; ++j)
                o[j] = at(j, j, j);
            return;
        }
        for (int64_t j = 0; j < m; ++j)
            o[j * so] = at(j, j * si, j * cs);
    }
};

// The coefficients of one axis: uniform spacing, or a table built from coordinates.
struct Stencil {
    bool uniform;
    double h;
    int64_t n;
    // Non-uniform: a, b, c hold the interior weights at 1..n-2 and the edge_order 2
    // weights at 0 and n-1; dx_left and dx_right divide the edge_order 1 differences.
    const double *a, *b, *c;
    double dx_left, dx_right;
};

// Builds the non-uniform table into `table` (3n doubles), with numpy's exact expressions.
void build_table(const double *x, int64_t n, int edge_order, double *table, Stencil &s) {
    double *a = table, *b = table + n, *c = table + 2 * n;
    for (int64_t i = 1; i + 1 < n; ++i) {
        const double dx1 = x[i] - x[i - 1], dx2 = x[i + 1] - x[i];
        a[i] = -dx2 / (dx1 * (dx1 + dx2));
        b[i] = (dx2 - dx1) / (dx1 * dx2);
        c[i] = dx1 / (dx2 * (dx1 + dx2));
    }
    if (edge_order == 2) {
        double dx1 = x[1] - x[0], dx2 = x[2] - x[1];
        a[0] = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2));
        b[0] = (dx1 + dx2) / (dx1 * dx2);
        c[0] = -dx1 / (dx2 * (dx1 + dx2));
        dx1 = x[n - 2] - x[n - 3], dx2 = x[n - 1] - x[n - 2];
        a[n - 1] = dx2 / (dx1 * (dx1 + dx2));
        b[n - 1] = -(dx2 + dx1) / (dx1 * dx2);
        c[n - 1] = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2));
    }
    s.a = a, s.b = b, s.c = c;
    s.dx_left = x[1] - x[0];
    s.dx_right = x[n - 1] - x[n - 2];
}

// One axis in arithmetic type A: the boundary and interior formulas at any position.
template <class T, class O, class A> struct AxisRun {
    using Rw = Rows<T, O, A>;
    using R = typename Rw::R;
    int64_t n, sa, soa; // extent, input and output strides along the axis
    int edge_order;
    const Stencil &s;
    R interior_div, left1, right1, left2[3], right2[3];

    AxisRun(const Stencil &st, int64_t in_stride, int64_t out_stride, int order)
        : n(st.n), sa(in_stride), soa(out_stride), edge_order(order), s(st) {
        if (s.uniform) {
            // Coefficients in double, rounded once to R (float32's rule).
            const double h = s.h;
            interior_div = R(2.0 * h), left1 = right1 = R(h);
            left2[0] = R(-1.5 / h), left2[1] = R(2.0 / h), left2[2] = R(-0.5 / h);
            right2[0] = R(0.5 / h), right2[1] = R(-2.0 / h), right2[2] = R(1.5 / h);
        } else {
            interior_div = R(0);
            left1 = R(s.dx_left), right1 = R(s.dx_right);
            if (edge_order == 2) {
                left2[0] = R(s.a[0]), left2[1] = R(s.b[0]), left2[2] = R(s.c[0]);
                right2[0] = R(s.a[n - 1]), right2[1] = R(s.b[n - 1]), right2[2] = R(s.c[n - 1]);
            }
        }
    }

    void left(const T *f, O *o, int64_t si, int64_t so, int64_t m) const {
        if (edge_order == 1)
            Rw::diff(f + sa, f, si, o, so, m, left1);
        else
            Rw::term3(f, sa, si, o, so, m, left2, left2 + 1, left2 + 2, 0);
    }

    void right(const T *f, O *o, int64_t si, int64_t so, int64_t m) const {
        O *last = o + (n - 1) * soa;
        if (edge_order == 1)
            Rw::diff(f + (n - 1) * sa, f + (n - 2) * sa, si, last, so, m, right1);
        else
            Rw::term3(f + (n - 3) * sa, sa, si, last, so, m, right2, right2 + 1, right2 + 2, 0);
    }

    // Row mode: position i along the axis, for m elements across (strides si, so);
    // f and o address position 0 of the axis.
    void position(const T *f, O *o, int64_t si, int64_t so, int64_t m, int64_t i) const {
        if (i == 0)
            return left(f, o, si, so, m);
        if (i == n - 1)
            return right(f, o, si, so, m);
        const T *fm = f + (i - 1) * sa;
        O *oi = o + i * soa;
        if (s.uniform)
            Rw::diff(fm + 2 * sa, fm, si, oi, so, m, interior_div);
        else
            Rw::term3(fm, sa, si, oi, so, m, s.a + i, s.b + i, s.c + i, 0);
    }

    // Line mode: the whole line along the axis starting at f / o.
    void line(const T *f, O *o) const {
        left(f, o, 0, 0, 1);
        if (s.uniform)
            Rw::diff(f + 2 * sa, f, sa, o + soa, soa, n - 2, interior_div);
        else
            Rw::term3(f, sa, sa, o + soa, soa, n - 2, s.a + 1, s.b + 1, s.c + 1, 1);
        right(f, o, 0, 0, 1);
    }
};

// A dim other than the axis: extent and strides in the input and the output.
struct Loop {
    int64_t n, si, so;
};

// The dims other than `axis` with extent > 1, sorted by input stride, merged where both
// input and output step across them as one. Returns their count.
int other_loops(const Request &rq, int i, Loop *loops) {
    const int axis = rq.axes[i].dim;
    int m = 0;
    for (int j = 0; j < rq.ndim; ++j)
        if (j != axis && rq.shape[j] > 1)
            loops[m++] = {rq.shape[j], rq.in_strides[j], rq.out_strides[i][j]};
    std::stable_sort(loops, loops + m, [](const Loop &a, const Loop &b) {
        return std::abs(a.si) < std::abs(b.si);
    });
    int merged = 0;
    for (int j = 0; j < m; ++j) {
        Loop &last = loops[merged - 1];
        if (merged > 0 && loops[j].si == last.si * last.n && loops[j].so == last.so * last.n)
            last.n *= loops[j].n;
        else
            loops[merged++] = loops[j];
    }
    return merged;
}

template <class T, class O, class A>
void run_axis(const Request &rq, int i, const Stencil &s, int threads) {
    const int axis = rq.axes[i].dim;
    const AxisRun<T, O, A> run(s, rq.in_strides[axis], rq.out_strides[i][axis], rq.edge_order);
    const T *in = static_cast<const T *>(rq.in);
    O *out = static_cast<O *>(rq.out[i]);
    Loop loops[NG_MAX_NDIM];
    const int nl = other_loops(rq, i, loops);
    const int64_t n = s.n;

    if (nl > 0 && std::abs(loops[0].si) < std::abs(run.sa)) {
        // Row mode: rows across loops[0], one per (outer index, position i).
        int64_t rows = n;
        for (int j = 1; j < nl; ++j)
            rows *= loops[j].n;
        [[maybe_unused]] const int nt = int(std::min<int64_t>(threads, rows));
        NG_PRAGMA(omp parallel for num_threads(nt) schedule(static) if (nt > 1))
        for (int64_t r = 0; r < rows; ++r) {
            int64_t q = r / n, fi = 0, fo = 0;
            for (int j = 1; j < nl; ++j) {
                const int64_t idx = q % loops[j].n;
                q /= loops[j].n;
                fi += idx * loops[j].si, fo += idx * loops[j].so;
            }
            run.position(in + fi, out + fo, loops[0].si, loops[0].so, loops[0].n, r % n);
        }
        return;
    }
    // Line mode: one line along the axis per index of the other dims.
    int64_t lines = 1;
    for (int j = 0; j < nl; ++j)
        lines *= loops[j].n;
    [[maybe_unused]] const int nt = int(std::min<int64_t>(threads, lines));
    NG_PRAGMA(omp parallel for num_threads(nt) schedule(static) if (nt > 1))
    for (int64_t l = 0; l < lines; ++l) {
        int64_t q = l, fi = 0, fo = 0;
        for (int j = 0; j < nl; ++j) {
            const int64_t idx = q % loops[j].n;
            q /= loops[j].n;
            fi += idx * loops[j].si, fo += idx * loops[j].so;
        }
        run.line(in + fi, out + fo);
    }
}

// The arithmetic type: the input's own precision for uniform spacing (float32 stays
// float32), double precision for coordinates and for every integer input.
template <class T> struct Natural { using type = double; };
template <> struct Natural<float> { using type = float; };
template <> struct Natural<Complex<float>> { using type = Complex<float>; };
template <> struct Natural<Complex<double>> { using type = Complex<double>; };
template <class T> struct Wide { using type = double; };
template <> struct Wide<Complex<float>> { using type = Complex<double>; };
template <> struct Wide<Complex<double>> { using type = Complex<double>; };

template <class T, class O> void run_typed(const Request &rq, int i, const Stencil &s, int threads) {
    if (s.uniform)
        run_axis<T, O, typename Natural<T>::type>(rq, i, s, threads);
    else
        run_axis<T, O, typename Wide<T>::type>(rq, i, s, threads);
}

void run(const Request &rq, int i, const Stencil &s, int threads) {
    switch (rq.dtype) {
    case NG_FLOAT32: return run_typed<float, float>(rq, i, s, threads);
    case NG_FLOAT64: return run_typed<double, double>(rq, i, s, threads);
    case NG_COMPLEX64: return run_typed<Complex<float>, Complex<float>>(rq, i, s, threads);
    case NG_COMPLEX128: return run_typed<Complex<double>, Complex<double>>(rq, i, s, threads);
    case NG_INT8: return run_typed<int8_t, double>(rq, i, s, threads);
    case NG_INT16: return run_typed<int16_t, double>(rq, i, s, threads);
    case NG_INT32: return run_typed<int32_t, double>(rq, i, s, threads);
    case NG_INT64: return run_typed<int64_t, double>(rq, i, s, threads);
    case NG_UINT8: return run_typed<uint8_t, double>(rq, i, s, threads);
    case NG_UINT16: return run_typed<uint16_t, double>(rq, i, s, threads);
    case NG_UINT32: return run_typed<uint32_t, double>(rq, i, s, threads);
    case NG_UINT64: return run_typed<uint64_t, double>(rq, i, s, threads);
    }
}

} // namespace

int32_t compute_standard(const Request &rq) {
    if (rq.size == 0 || rq.k == 0)
        return NG_OK;
    // All coefficient tables first: an allocation failure must precede every write.
    Stencil stencils[NG_MAX_NDIM];
    std::vector<double> tables[NG_MAX_NDIM];
    for (int i = 0; i < rq.k; ++i) {
        const Axis &axis = rq.axes[i];
        Stencil &s = stencils[i];
        s = Stencil{axis.uniform, axis.h, axis.n, nullptr, nullptr, nullptr, 0.0, 0.0};
        if (!axis.uniform) {
            try {
                tables[i].resize(size_t(3 * axis.n));
            } catch (const std::bad_alloc &) {
                return NG_ERR_NO_MEMORY;
            }
            build_table(axis.x, axis.n, rq.edge_order, tables[i].data(), s);
        }
    }
    const int threads = thread_count(rq.threads, rq.size);
    for (int i = 0; i < rq.k; ++i)
        run(rq, i, stencils[i], threads);
    return NG_OK;
}

} // namespace ng
