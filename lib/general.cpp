// The general kernel: periodic and halo boundaries and accuracy orders 4, 6 and 8, for
// requests the fast kernel does not handle. At accuracy 2 it uses numpy's formulas and
// evaluation order exactly, so a halo (domain-decomposed) computation gives the bits
// of the single-array one.
#include <algorithm>
#include <new>
#include <vector>

#include "arith.hpp"
#include "request.hpp"
#include "threads.hpp"

namespace ng {

namespace {

constexpr int max_taps = 9; // accuracy 8: 9 samples

// One formula at one output position; sample offsets are relative to that position.
enum class Kind { diff, sum, sum_div };
struct Formula {
    Kind kind;
    int count;              // taps (diff: 2, minuend first)
    int64_t off[max_taps];
    double w[max_taps];     // sum, sum_div
    double div;             // diff, sum_div
};

// Weights of the first derivative at z from samples at x[0..count-1] (B. Fornberg,
// "Generation of finite difference formulas on arbitrarily spaced grids", Math. Comp.
// 51 (1988) 699-706; the algorithm as in Fornberg, SIAM Review 40 (1998) 685-691).
void fornberg(double z, const double *x, int count, double *w) {
    double c[max_taps][2] = {};
    double c1 = 1, c4 = x[0] - z;
    c[0][0] = 1;
    for (int i = 1; i < count; ++i) {
        double c2 = 1;
        const double c5 = c4;
        c4 = x[i] - z;
        for (int j = 0; j < i; ++j) {
            const double c3 = x[i] - x[j];
            c2 *= c3;
            if (j == i - 1) {
                c[i][1] = c1 * (c[i - 1][0] - c5 * c[i - 1][1]) / c2;
                c[i][0] = -c1 * c5 * c[i - 1][0] / c2;
            }
            c[j][1] = (c4 * c[j][1] - c[j][0]) / c3;
            c[j][0] = c4 * c[j][0] / c3;
        }
        c1 = c2;
    }
    for (int j = 0; j < count; ++j)
        w[j] = c[j][1];
}

// The plan of one axis: output position i reads input index i + lo + offset.
struct Plan {
    int64_t n, m, lo;
    bool periodic, uniform;
    int half;
    int64_t left, right;              // explicit boundary positions on each side
    Formula edges[2 * max_taps];      // left ones, then right ones
    Formula interior;                 // uniform interior
    std::vector<double> table;        // non-uniform interior: m rows of 2*half+1 weights
};

Formula diff(int64_t plus, int64_t minus, double div) {
    Formula f{Kind::diff, 2, {plus, minus}, {}, div};
    return f;
}

Formula weighted(Kind kind, int count, int64_t first, const double *w, double div) {
    Formula f{kind, 0, {}, {}, div};
    for (int k = 0; k < count; ++k)
        if (w[k] != 0.0 || kind == Kind::sum) // a zero tap must not turn inf into nan
            f.off[f.count] = first + k, f.w[f.count++] = w[k];
    return f;
}

// Sample coordinate of input index j (periodic: continued by the period).
struct Coords {
    const Axis &a;
    double at(int64_t j) const {
        if (!a.x)
            return double(j) * a.h;
        if (j < 0)
            return a.x[j + a.n] - a.period;
        if (j >= a.n)
            return a.x[j - a.n] + a.period;
        return a.x[j];
    }
};

void plan_axis(const Request &rq, const Axis &a, Plan &p) {
    const int acc = rq.accuracy, half = acc / 2;
    p.n = a.n, p.lo = a.halo_lo, p.m = a.n - a.halo_lo - a.halo_hi;
    p.periodic = a.lower == NG_BOUNDARY_PERIODIC;
    p.uniform = a.uniform;
    p.half = half;
    p.left = a.lower == NG_BOUNDARY_EDGE ? (acc == 2 ? 1 : half) : 0;
    p.right = a.upper == NG_BOUNDARY_EDGE ? (acc == 2 ? 1 : half) : 0;
    const int width = acc + 1;
    if (!a.uniform) // allocate before reading: a failure must precede any other work
        p.table.resize(size_t(p.m) * size_t(width));
    const Coords X{a};
    const double h = a.h;
    double nodes[max_taps], w[max_taps];

    // Boundary positions: numpy's one-sided formulas at accuracy 2, else one-sided
    // stencils of acc+1 samples (input indices 0..acc, or n-1-acc..n-1).
    for (int64_t e = 0; e < p.left + p.right; ++e) {
        const bool left = e < p.left;
        const int64_t i = left ? e : p.m - p.right + (e - p.left); // output position
        const int64_t j = i + p.lo;                                 // input index
        Formula &f = p.edges[e];
        if (acc == 2 && rq.edge_order == 1) {
            const double dx = a.uniform ? h : left ? X.at(1) - X.at(0) : X.at(a.n - 1) - X.at(a.n - 2);
            f = left ? diff(1, 0, dx) : diff(0, -1, dx);
        } else if (acc == 2) {
            if (a.uniform) {
                const double wl[3] = {-1.5 / h, 2.0 / h, -0.5 / h}, wr[3] = {0.5 / h, -2.0 / h, 1.5 / h};
                f = weighted(Kind::sum, 3, left ? 0 : -2, left ? wl : wr, 0);
            } else if (left) {
                const double dx1 = X.at(1) - X.at(0), dx2 = X.at(2) - X.at(1);
                const double wl[3] = {-(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2)), (dx1 + dx2) / (dx1 * dx2),
                                      -dx1 / (dx2 * (dx1 + dx2))};
                f = weighted(Kind::sum, 3, 0, wl, 0);
            } else {
                const int64_t n = a.n;
                const double dx1 = X.at(n - 2) - X.at(n - 3), dx2 = X.at(n - 1) - X.at(n - 2);
                const double wr[3] = {dx2 / (dx1 * (dx1 + dx2)), -(dx2 + dx1) / (dx1 * dx2),
                                      (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))};
                f = weighted(Kind::sum, 3, -2, wr, 0);
            }
        } else {
            const int64_t first = left ? 0 : a.n - 1 - acc; // input index of the first sample
            for (int k = 0; k <= acc; ++k)
                nodes[k] = a.uniform ? double(first + k - j) : X.at(first + k);
            fornberg(a.uniform ? 0.0 : X.at(j), nodes, acc + 1, w);
            f = weighted(a.uniform ? Kind::sum_div : Kind::sum, acc + 1, first - j, w, h);
        }
    }

    // Interior: numpy's central formulas at accuracy 2, Fornberg's weights beyond.
    if (a.uniform) {
        if (acc == 2) {
            p.interior = diff(1, -1, 2.0 * h);
        } else {
            for (int k = 0; k <= acc; ++k)
                nodes[k] = double(k - half);
            fornberg(0.0, nodes, acc + 1, w);
            p.interior = weighted(Kind::sum_div, acc + 1, -half, w, h);
        }
        return;
    }
    for (int64_t i = p.left; i < p.m - p.right; ++i) {
        const int64_t j = i + p.lo;
        double *row = &p.table[size_t(i * width)];
        if (acc == 2) {
            const double dx1 = X.at(j) - X.at(j - 1), dx2 = X.at(j + 1) - X.at(j);
            row[0] = -dx2 / (dx1 * (dx1 + dx2));
            row[1] = (dx2 - dx1) / (dx1 * dx2);
            row[2] = dx1 / (dx2 * (dx1 + dx2));
        } else {
            for (int k = 0; k < width; ++k)
                nodes[k] = X.at(j - half + k);
            fornberg(X.at(j), nodes, width, row);
        }
    }
}

template <class T, class O, class A> struct Eval {
    using Ar = Arith<A>;
    using R = typename Ar::Real;
    static A ld(const T &v) { return Convert<A, T>::from(v); }

    // f addresses input index lo (output position 0) of the line; s is its stride.
    static A sample(const Plan &p, const T *f, int64_t s, int64_t i, int64_t off) {
        int64_t j = i + off;
        if (p.periodic)
            j = j < 0 ? j + p.n : j >= p.n ? j - p.n : j;
        return ld(f[j * s]);
    }

    static A apply(const Plan &p, const Formula &fm, const T *f, int64_t s, int64_t i, const double *w) {
        if (fm.kind == Kind::diff)
            return Ar::divide(Ar::sub(sample(p, f, s, i, fm.off[0]), sample(p, f, s, i, fm.off[1])),
                              R(fm.div));
        A acc = Ar::scale(R(w[0]), sample(p, f, s, i, fm.off[0]));
        for (int k = 1; k < fm.count; ++k)
            acc = Ar::add(acc, Ar::scale(R(w[k]), sample(p, f, s, i, fm.off[k])));
        return fm.kind == Kind::sum_div ? Ar::divide(acc, R(fm.div)) : acc;
    }

    static void line(const Plan &p, const T *f, int64_t s, O *o, int64_t so) {
        const int width = 2 * p.half + 1;
        Formula row{Kind::sum, width, {}, {}, 0};
        for (int k = 0; k < width; ++k)
            row.off[k] = k - p.half;
        for (int64_t i = 0; i < p.m; ++i) {
            A v;
            if (i < p.left)
                v = apply(p, p.edges[i], f, s, i, p.edges[i].w);
            else if (i >= p.m - p.right)
                v = apply(p, p.edges[p.left + i - (p.m - p.right)], f, s, i,
                          p.edges[p.left + i - (p.m - p.right)].w);
            else if (p.uniform)
                v = apply(p, p.interior, f, s, i, p.interior.w);
            else
                v = apply(p, row, f, s, i, &p.table[size_t(i * width)]);
            o[i * so] = Convert<O, A>::from(v);
        }
    }
};

template <class T, class O, class A>
void run_axis(const Request &rq, int i, const Plan &p, int threads) {
    const int axis = rq.axes[i].dim;
    // Skip the ghost cells of every dim: position 0 of the output box.
    const T *in = static_cast<const T *>(rq.in);
    for (int k = 0; k < rq.k; ++k)
        in += rq.axes[k].halo_lo * rq.in_strides[rq.axes[k].dim];
    O *out = static_cast<O *>(rq.out[i]);
    int64_t ext[NG_MAX_NDIM], si[NG_MAX_NDIM], so[NG_MAX_NDIM];
    int nl = 0;
    int64_t lines = 1;
    for (int j = 0; j < rq.ndim; ++j)
        if (j != axis && rq.out_shape[j] > 1)
            ext[nl] = rq.out_shape[j], si[nl] = rq.in_strides[j], so[nl++] = rq.out_strides[i][j],
            lines *= rq.out_shape[j];
    const int64_t s = rq.in_strides[axis], sout = rq.out_strides[i][axis];
    [[maybe_unused]] const int nt = int(std::min<int64_t>(threads, lines));
    NG_PRAGMA(omp parallel for num_threads(nt) schedule(static) if (nt > 1))
    for (int64_t l = 0; l < lines; ++l) {
        int64_t q = l, fi = 0, fo = 0;
        for (int j = 0; j < nl; ++j) {
            const int64_t idx = q % ext[j];
            q /= ext[j];
            fi += idx * si[j], fo += idx * so[j];
        }
        Eval<T, O, A>::line(p, in + fi, s, out + fo, sout);
    }
}

} // namespace

int32_t compute_general(const Request &rq) {
    if (rq.size == 0 || rq.k == 0)
        return NG_OK;
    Plan plans[NG_MAX_NDIM];
    try { // every table before the first write
        for (int i = 0; i < rq.k; ++i)
            plan_axis(rq, rq.axes[i], plans[i]);
    } catch (const std::bad_alloc &) {
        return NG_ERR_NO_MEMORY;
    }
    const int threads = thread_count(rq.threads, rq.size);
    for (int i = 0; i < rq.k; ++i)
        with_types(rq.dtype, [&](auto types) {
            using T = typename decltype(types)::T;
            using O = typename decltype(types)::O;
            if (plans[i].uniform)
                run_axis<T, O, typename Natural<T>::type>(rq, i, plans[i], threads);
            else
                run_axis<T, O, typename Wide<T>::type>(rq, i, plans[i], threads);
        });
    return NG_OK;
}

} // namespace ng
