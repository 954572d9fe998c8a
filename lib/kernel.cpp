// The fast path: numpy.gradient's arithmetic (SEMANTICS.md) at the memory bandwidth.
//
// A gradient reads its input once and writes k outputs, so it is bound by memory traffic.
// The kernel makes one pass over the input for all k partials:
//  - the dims are ordered by input stride (the most contiguous one last: the "row" dim),
//    so C order, Fortran order and any permutation are walked in memory order, and
//    dims no output differentiates that are contiguous in the input and in every output
//    are merged;
//  - a row is one index of every other dim; each output is one loop over a row reading
//    at most three input rows (the row itself and its neighbours along the output's
//    axis). Unit-stride rows are plain loops the compiler vectorises; boundary positions
//    along an axis are separate calls, never tests in the hot loop;
//  - rows are visited in tiles: a block of B rows of the second most contiguous dim,
//    swept along the outer dims, so the neighbours along every axis are still in cache
//    when they are read again (input working set about tile_bytes); long rows are cut
//    into column blocks the same way;
//  - large outputs are written with streaming (non-temporal) stores: they are not read
//    before being written (no read-for-ownership traffic) and do not evict the input
//    tile. The streaming loops write whole cache lines; the partial lines around them
//    (a row's ends, boundary elements) take ordinary stores, which on Zen 5 beat
//    streaming them from a staging buffer (emit()). The hot real cases have SSE2 loops and, chosen
//    at run time, AVX2 ones (vector_loop: SSE2 steps up to the 32-byte alignment that
//    256-bit streaming stores need, since numpy's arrays start 16 bytes into a page), and
//    where the arithmetic bounds the loop (the coordinates' divisions, float32 samples
//    in float64) AVX-512 ones; the others use ordinary stores;
//  - whole rows that are adjacent in the input and an output, and that an outer axis
//    computes with one formula, are one longer row: one call, not one per row (3-D rows
//    are short, and a call per row of 2 KiB cost 13 % of 256^3 float64);
//  - coordinates: outer axes use a table of numpy's weights (3 doubles per sample of the
//    axis), the row axis computes them per column block, or inside the streaming loop
//    (with software prefetch) when there is a single row;
//  - a division by a power of two whose inverse is normal is done as a multiply: the
//    same correctly rounded result (unit spacing divides by 2.0); other float64
//    divisions by a spacing use a multiply and two fused multiply-adds that give the
//    same correctly rounded quotient (Markstein), dividing only where that may not hold;
//  - each thread owns one contiguous range of rows (memory order), so the first-touch
//    page faults of fresh outputs are spread over the threads, and the result of every
//    element does not depend on the thread count.
// With 2 or 3 float outputs (the common case) and one kind of spacing on every axis the
// outputs are written in lockstep: one loop computes every output's value per vector
// (differences, or with coordinates weighted sums), over stretches of whole rows
// (lockstep_rows, stretch, lockstep_loop in lockstep.inc, compiled for AVX2 and for
// AVX-512): on AMD Zen 5 interleaving the streaming stores element by element was a
// quarter faster than any run length. Outputs small enough to stay in cache take the same
// loops with ordinary stores (InCache). Otherwise output streams
// are staggered in time, not in address: consecutive rows of a tile are written output by
// output in runs of about run_bytes, so the k streams take turns in long runs rather
// than a row each (measured on an Intel Xeon). With a row each, outputs whose addresses are equal
// modulo 1 KiB (stacked outputs, consecutive allocations) measured 13 % slower for
// 256^3 float32 (1 KiB rows) than outputs 64 bytes apart; in runs, no slower, and both
// faster (bench_gradient's "stacked" and "staggered" layouts).
// Rows shorter than min_row take the per-axis path (per_axis), which loops over the
// other dims more cleverly for such shapes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "arith.hpp"
#include "dtype.hpp"
#include "request.hpp"
#include "threads.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#define NG_STREAMING_STORES 1
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(NG_NO_AVX2)
#include <cpuid.h>
#include <immintrin.h>
#define NG_AVX2 1 // AVX2 versions of some loops, chosen at run time (meson option avx2)
#if !defined(NG_NO_AVX512)
#define NG_AVX512 1 // and AVX-512 versions of a few (meson option avx512)
#endif
#endif
#endif

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ng {

namespace {

// Outputs of at least this many bytes in total are written with streaming stores (they
// would not stay in cache anyway); smaller ones stay in cache for the caller.
constexpr int64_t streaming_min_bytes = int64_t(8) << 20;
// Outputs of at least this many bytes in total have their pages mapped up front if they
// are not yet (populate), streamed or not: 64^3 float64 from Python into fresh arrays
// (3 x 2 MiB, ordinary stores) took 9.7-10.1 ms with the pages faulted in one by one,
// 6.2-6.8 with them mapped up front (AMD EPYC VM, where a first touch costs several us
// a page either way). With outputs already mapped the check (mincore, twice per output
// and thread) is what it costs: 1-2 % of that 0.25 ms call, but at 1 MiB, 8-10 % of
// 32x32x64 float64's 0.07 ms (perf).
constexpr int64_t populate_min_bytes = int64_t(4) << 20;
// Rows shorter than this take the per-axis path.
constexpr int64_t min_row = 16;
// Input bytes a tile may keep in cache: three planes of its rows (the neighbours along
// the outermost axes), well inside a core's L2.
constexpr int64_t tile_bytes = int64_t(256) << 10;
// The longest row segment: 2-D rows (three rows in cache) and rows of 3 or more dims.
constexpr int64_t segment_bytes_2d = int64_t(64) << 10;
constexpr int64_t segment_bytes_nd = int64_t(8) << 10;
constexpr int64_t segment_1d = 1024; // elements
// The bytes an output gets in one go (rows()): consecutive rows of a tile are written
// output by output in groups this long. Switching outputs after every row costs write
// bandwidth when rows are short: 256^3 float32 (1 KiB rows) measured 9.9 ms with a
// switch per row, 7.2 with 8 rows per switch, 6.6 with 16 (float64 16.9 -> 14.7 ms).
// Since adjacent rows along an outer axis are one call, longer runs are longer calls:
// on AMD Zen 5, 256^3 float64 with 64 KiB runs took 10.4 ms on 2 threads against 11.4
// with 16 KiB, and 21 ms on 1 thread against 22-35 (16 KiB varied that much).
constexpr int64_t run_bytes = int64_t(64) << 10;

// ------------------------------------------------------------------------ row loops
// A divisor. When it is a power of two whose inverse is a normal number, x / d and
// x * (1/d) are the same correctly rounded real number for every x (inf and nan
// included), so the division, four times slower than a multiply, becomes a multiply.
// (Normal, not subnormal: a denormals-are-zero mode would read a subnormal 1/d as 0.)
// Otherwise the AVX2 float64 loop divides with Markstein's correction, which the divider
// would bound (2 cycles a double: 256^3 float64 with h = 0.1 took 17 ms, 14.3 with
// h = 0.125): with y = RN(1/|d|), q0 = x*y and r = fma(q0, |d|, -x) (exact: -(x - q0*|d|)),
// fma(-r, y, q0) is the correctly rounded x/|d| (Markstein's theorem: y correctly
// rounded, q0 within an ulp of the quotient), and the sign of d is flipped in exactly.
// That holds while nothing underflows or overflows: for lo <= |x| <= hi, and x = +-0;
// other x (nan, inf, extreme magnitudes) take the division.
template <class R> struct Divisor {
    R d = R(1), inv = R(1);
    bool by_inverse = true;
    R lo = R(1), hi = R(0); // lo > hi: always divide
    Divisor() = default;
    explicit Divisor(R v) : d(v), inv(R(1) / v) {
        int e = 0;
        const R mantissa = std::frexp(v, &e);
        by_inverse = std::isfinite(v) && (mantissa == R(0.5) || mantissa == R(-0.5)) &&
                     std::fpclassify(inv) == FP_NORMAL && inv * v == R(1);
        if (!by_inverse && std::isnormal(v) && std::isnormal(inv)) {
            using L = std::numeric_limits<R>;
            constexpr int room = 2 * L::digits; // a quotient's and a remainder's bits
            lo = std::ldexp(std::max(R(1), std::fabs(v)), L::min_exponent + room);
            hi = std::ldexp(std::min(R(1), std::fabs(v)), L::max_exponent - room);
        }
    }
};

// The two shapes of every formula over m elements (input stride si, output stride so):
// a difference divided by a spacing, and a weighted sum of three samples.
template <class T, class O, class A> struct Rows {
    using Ar = Arith<A>;
    using R = typename Ar::Real;
    static A ld(const T &v) { return Convert<A, T>::from(v); }
    static O st(const A &v) { return Convert<O, A>::from(v); }

    // Real arithmetic may divide by a power of two as a multiply (complex: Smith's method).
    static constexpr bool real = std::is_floating_point<A>::value;

    // w[j] = (p[j] - q[j]) / d
    static void diff(const T *p, const T *q, int64_t si, O *w, int64_t so, int64_t m,
                     const Divisor<R> &d) {
        if (si == 1 && so == 1) {
            if (real && d.by_inverse)
                return diff_unit_mul(p, q, w, m, d.inv);
            return diff_unit(p, q, w, m, d.d);
        }
        if (real && d.by_inverse) {
            for (int64_t j = 0; j < m; ++j)
                w[j * so] = st(Ar::scale(d.inv, Ar::sub(ld(p[j * si]), ld(q[j * si]))));
            return;
        }
        for (int64_t j = 0; j < m; ++j)
            w[j * so] = st(Ar::divide(Ar::sub(ld(p[j * si]), ld(q[j * si])), d.d));
    }
    static void diff_unit(const T *__restrict p, const T *__restrict q, O *__restrict w, int64_t m,
                          R d) {
        for (int64_t j = 0; j < m; ++j)
            w[j] = st(Ar::divide(Ar::sub(ld(p[j]), ld(q[j])), d));
    }
    static void diff_unit_mul(const T *__restrict p, const T *__restrict q, O *__restrict w,
                              int64_t m, R inv) {
        for (int64_t j = 0; j < m; ++j)
            w[j] = st(Ar::scale(inv, Ar::sub(ld(p[j]), ld(q[j]))));
    }

    // w[j] = a*f0[j] + b*f1[j] + c*f2[j], evaluated ((a*f0) + (b*f1)) + (c*f2)
    static void sum3(const T *f0, const T *f1, const T *f2, int64_t si, O *w, int64_t so,
                     int64_t m, R a, R b, R c) {
        if (si == 1 && so == 1)
            return sum3_unit(f0, f1, f2, w, m, a, b, c);
        for (int64_t j = 0; j < m; ++j)
            w[j * so] = st(Ar::add(Ar::add(Ar::scale(a, ld(f0[j * si])), Ar::scale(b, ld(f1[j * si]))),
                                   Ar::scale(c, ld(f2[j * si]))));
    }
    static void sum3_unit(const T *__restrict f0, const T *__restrict f1, const T *__restrict f2,
                          O *__restrict w, int64_t m, R a, R b, R c) {
        for (int64_t j = 0; j < m; ++j)
            w[j] = st(Ar::add(Ar::add(Ar::scale(a, ld(f0[j])), Ar::scale(b, ld(f1[j]))),
                              Ar::scale(c, ld(f2[j]))));
    }

    // The same along a line with per-position weights: w[j] = a[j]*f[j-1] + b[j]*f[j] +
    // c[j]*f[j+1], with f0 addressing f[-1].
    static void sum3_table(const T *f0, int64_t si, O *w, int64_t so, int64_t m, const double *a,
                           const double *b, const double *c) {
        if (si == 1 && so == 1)
            return sum3_table_unit(f0, w, m, a, b, c);
        for (int64_t j = 0; j < m; ++j)
            w[j * so] = st(Ar::add(Ar::add(Ar::scale(R(a[j]), ld(f0[j * si])),
                                           Ar::scale(R(b[j]), ld(f0[(j + 1) * si]))),
                                   Ar::scale(R(c[j]), ld(f0[(j + 2) * si]))));
    }
    static void sum3_table_unit(const T *__restrict f0, O *__restrict w, int64_t m,
                                const double *__restrict a, const double *__restrict b,
                                const double *__restrict c) {
        for (int64_t j = 0; j < m; ++j)
            w[j] = st(Ar::add(Ar::add(Ar::scale(R(a[j]), ld(f0[j])), Ar::scale(R(b[j]), ld(f0[j + 1]))),
                              Ar::scale(R(c[j]), ld(f0[j + 2]))));
    }

    // The same with the weights computed on the fly from the coordinates (numpy's
    // expressions, as in weights_block), x0 addressing the coordinate of f[-1]: for a
    // single row, where a table would be used once.
    static void sum3_coords(const T *f0, int64_t si, O *w, int64_t so, int64_t m, const double *x0) {
        for (int64_t j = 0; j < m; ++j) {
            const double dx1 = x0[j + 1] - x0[j], dx2 = x0[j + 2] - x0[j + 1];
            const double a = -dx2 / (dx1 * (dx1 + dx2)), b = (dx2 - dx1) / (dx1 * dx2),
                         c = dx1 / (dx2 * (dx1 + dx2));
            w[j * so] = st(Ar::add(Ar::add(Ar::scale(R(a), ld(f0[j * si])), Ar::scale(R(b), ld(f0[(j + 1) * si]))),
                                   Ar::scale(R(c), ld(f0[(j + 2) * si]))));
        }
    }
};

// Loops that write straight to memory with streaming stores (w 16-byte aligned), for the
// hot real cases; they return how many elements they wrote (a whole number of vectors:
// the caller finishes the rest), 0 when there is no such loop for the types.
template <class T, class O, class A> struct Direct {
    using R = typename Arith<A>::Real;
    static int64_t diff(const T *, const T *, O *, int64_t, const Divisor<R> &) { return 0; }
    static int64_t sum3(const T *, const T *, const T *, O *, int64_t, R, R, R) { return 0; }
    static int64_t sum3_table(const T *, O *, int64_t, const double *, const double *,
                              const double *) {
        return 0;
    }
    static int64_t sum3_coords(const T *, O *, int64_t, const double *) { return 0; }
};

#if NG_STREAMING_STORES
// How far ahead (elements) the coordinate loops prefetch: their divisions leave too few
// loads in flight for the hardware prefetcher to hide the memory latency on its own.
constexpr int64_t prefetch_ahead = 512;

// Prefetches the line `ahead` elements after p (an address computed as an integer: it may
// lie past the end of the array, which a prefetch tolerates).
template <class E> void prefetch(const E *p) {
    _mm_prefetch(reinterpret_cast<const char *>(reinterpret_cast<uintptr_t>(p) +
                                                prefetch_ahead * sizeof(E)),
                 _MM_HINT_T0);
}

// numpy's interior weights of two consecutive positions from x0 = their coordinates less
// one (the divisions of weights_block, two at a time), applied to f0[0..3].
inline __m128d coords_term(const double *x0, __m128d f0, __m128d f1, __m128d f2) {
    const __m128d xm = _mm_loadu_pd(x0), x = _mm_loadu_pd(x0 + 1), xp = _mm_loadu_pd(x0 + 2);
    const __m128d dx1 = _mm_sub_pd(x, xm), dx2 = _mm_sub_pd(xp, x);
    const __m128d sum = _mm_add_pd(dx1, dx2);
    const __m128d a = _mm_div_pd(_mm_xor_pd(dx2, _mm_set1_pd(-0.0)), _mm_mul_pd(dx1, sum));
    const __m128d b = _mm_div_pd(_mm_sub_pd(dx2, dx1), _mm_mul_pd(dx1, dx2));
    const __m128d c = _mm_div_pd(dx1, _mm_mul_pd(dx2, sum));
    return _mm_add_pd(_mm_add_pd(_mm_mul_pd(a, f0), _mm_mul_pd(b, f1)), _mm_mul_pd(c, f2));
}
#endif

#if NG_AVX2
// The direct loops with 256-bit operations (4 doubles or 8 floats; float32 samples in
// float64 arithmetic: 4 per operation, converted). The same IEEE operations in the same
// order as the SSE2 and scalar loops: the same bits. For float32 samples in float64 the
// gain is large: SSE2 converts 2 floats per instruction and the conversions, not memory,
// bound the loop.
// (AVX2 here means AVX2 and FMA, which every AVX2 processor has.)
bool have_avx2() {
    static const bool yes = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return yes;
}

#define NG_AVX2_FN __attribute__((target("avx2")))
#define NG_AVX2_FMA_FN __attribute__((target("avx2,fma"))) // only where it divides: see Divisor
NG_AVX2_FN inline __m256d term4(__m256d a, __m256d x0, __m256d b, __m256d x1, __m256d c, __m256d x2) {
    return _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(a, x0), _mm256_mul_pd(b, x1)), _mm256_mul_pd(c, x2));
}
// n4 elements (a multiple of 4), w 16-byte aligned (float) or 32-byte aligned (double).
// Along an outer axis f2 is the neighbour ahead, read here for the first time, as p in
// diff_avx2: prefetching it, in every sum3 loop, took axis 0 of 256^3 with coordinates
// from 7.0 to 4.4 ms (float32) and from 9.5 to 7.0 ms (float64) on AMD Zen 5. The table
// loops prefetch their row for the same reason (the row axis alone).
NG_AVX2_FN void sum3_avx2(const float *f0, const float *f1, const float *f2, float *w, int64_t n4,
                          double a, double b, double c) {
    const __m256d va = _mm256_set1_pd(a), vb = _mm256_set1_pd(b), vc = _mm256_set1_pd(c);
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 16 == 0)
            prefetch(f2 + j);
        _mm_stream_ps(w + j, _mm256_cvtpd_ps(term4(va, _mm256_cvtps_pd(_mm_loadu_ps(f0 + j)), vb,
                                                   _mm256_cvtps_pd(_mm_loadu_ps(f1 + j)), vc,
                                                   _mm256_cvtps_pd(_mm_loadu_ps(f2 + j)))));
    }
}
NG_AVX2_FN void sum3_table_avx2(const float *f0, float *w, int64_t n4, const double *a,
                                const double *b, const double *c) {
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 16 == 0)
            prefetch(f0 + j);
        _mm_stream_ps(w + j, _mm256_cvtpd_ps(term4(
                                 _mm256_loadu_pd(a + j), _mm256_cvtps_pd(_mm_loadu_ps(f0 + j)),
                                 _mm256_loadu_pd(b + j), _mm256_cvtps_pd(_mm_loadu_ps(f0 + j + 1)),
                                 _mm256_loadu_pd(c + j), _mm256_cvtps_pd(_mm_loadu_ps(f0 + j + 2)))));
    }
}
NG_AVX2_FN void sum3_avx2(const double *f0, const double *f1, const double *f2, double *w,
                          int64_t n4, double a, double b, double c) {
    const __m256d va = _mm256_set1_pd(a), vb = _mm256_set1_pd(b), vc = _mm256_set1_pd(c);
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 8 == 0)
            prefetch(f2 + j);
        _mm256_stream_pd(w + j, term4(va, _mm256_loadu_pd(f0 + j), vb, _mm256_loadu_pd(f1 + j), vc,
                                      _mm256_loadu_pd(f2 + j)));
    }
}
// The row axis with coordinates: prefetching the row measured 17 % faster for that axis
// alone (4096^2 float64), 3 % for all axes of 256^3.
NG_AVX2_FN void sum3_table_avx2(const double *f0, double *w, int64_t n4, const double *a,
                                const double *b, const double *c) {
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 8 == 0)
            prefetch(f0 + j);
        _mm256_stream_pd(w + j, term4(_mm256_loadu_pd(a + j), _mm256_loadu_pd(f0 + j),
                                      _mm256_loadu_pd(b + j), _mm256_loadu_pd(f0 + j + 1),
                                      _mm256_loadu_pd(c + j), _mm256_loadu_pd(f0 + j + 2)));
    }
}
// coords_term for four consecutive positions. The divisions bound these loops (three per
// sample, the divider takes the same time per element at any vector width), so the gain
// is in keeping the divider busy: fewer instructions around it, and for float32 samples
// conversions four at a time.
NG_AVX2_FN inline __m256d coords_term4(const double *x0, __m256d f0, __m256d f1, __m256d f2) {
    const __m256d xm = _mm256_loadu_pd(x0), x = _mm256_loadu_pd(x0 + 1), xp = _mm256_loadu_pd(x0 + 2);
    const __m256d dx1 = _mm256_sub_pd(x, xm), dx2 = _mm256_sub_pd(xp, x);
    const __m256d sum = _mm256_add_pd(dx1, dx2);
    const __m256d a = _mm256_div_pd(_mm256_xor_pd(dx2, _mm256_set1_pd(-0.0)), _mm256_mul_pd(dx1, sum));
    const __m256d b = _mm256_div_pd(_mm256_sub_pd(dx2, dx1), _mm256_mul_pd(dx1, dx2));
    const __m256d c = _mm256_div_pd(dx1, _mm256_mul_pd(dx2, sum));
    return term4(a, f0, b, f1, c, f2);
}
NG_AVX2_FN void sum3_coords_avx2(const double *f0, double *w, int64_t n4, const double *x0) {
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 8 == 0)
            prefetch(x0 + j), prefetch(f0 + j);
        _mm256_stream_pd(w + j, coords_term4(x0 + j, _mm256_loadu_pd(f0 + j), _mm256_loadu_pd(f0 + j + 1),
                                             _mm256_loadu_pd(f0 + j + 2)));
    }
}
NG_AVX2_FN void sum3_coords_avx2(const float *f0, float *w, int64_t n4, const double *x0) {
    for (int64_t j = 0; j < n4; j += 4) {
        if (j % 16 == 0)
            prefetch(f0 + j);
        if (j % 8 == 0)
            prefetch(x0 + j);
        _mm_stream_ps(w + j, _mm256_cvtpd_ps(coords_term4(x0 + j, _mm256_cvtps_pd(_mm_loadu_ps(f0 + j)),
                                                          _mm256_cvtps_pd(_mm_loadu_ps(f0 + j + 1)),
                                                          _mm256_cvtps_pd(_mm_loadu_ps(f0 + j + 2)))));
    }
}
// Markstein's correction (Divisor) four doubles at a time. quotient() also tracks, in
// `lowest` and `highest`, the high 32 bits of |x|'s bits less 1 (x = +-0: all ones, which
// neither extreme sees); exact() tells whether every x so tracked lay where the
// correction is exact. diffs_loop writes a chunk of quotients, then writes it again
// with divisions when it was not exact (rare: nan, inf, extreme magnitudes): a test per
// vector made the loop slower than dividing.
struct MarksteinAvx2 {
    using I = __m256i; // the tracked range
    __m256d abs_d, y, sign, neg;
    uint32_t lo_word;
    int32_t hi_word;
    MarksteinAvx2() = default;
    NG_AVX2_FN explicit MarksteinAvx2(const Divisor<double> &d) {
        // y = RN(1/|d|) = |RN(1/d)|: rounding to nearest is symmetric
        abs_d = _mm256_set1_pd(std::fabs(d.d)), y = _mm256_set1_pd(std::fabs(d.inv));
        sign = _mm256_set1_pd(std::copysign(0.0, d.d)), neg = _mm256_set1_pd(-0.0);
        uint64_t lo_bits = 0, hi_bits = 0;
        std::memcpy(&lo_bits, &d.lo, 8), std::memcpy(&hi_bits, &d.hi, 8);
        lo_word = uint32_t(lo_bits >> 32) + 1; // conservative: |x| > lo
        hi_word = int32_t(hi_bits >> 32) - 1;  // and |x| < hi
    }
    static NG_AVX2_FN void start(I &lowest, I &highest) {
        lowest = _mm256_set1_epi32(-1), highest = _mm256_setzero_si256();
    }
    NG_AVX2_FMA_FN __m256d quotient(__m256d x, I &lowest, I &highest) const {
        const __m256i t = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_andnot_pd(neg, x)), _mm256_set1_epi64x(1));
        lowest = _mm256_min_epu32(lowest, t);
        highest = _mm256_max_epi32(highest, t);
        const __m256d q0 = _mm256_mul_pd(x, y);
        const __m256d r = _mm256_fmsub_pd(q0, abs_d, x);
        return _mm256_xor_pd(_mm256_fnmadd_pd(r, y, q0), sign);
    }
    NG_AVX2_FN bool exact(I lowest, I highest) const {
        alignas(32) uint32_t low[8], high[8];
        _mm256_store_si256(reinterpret_cast<__m256i *>(low), lowest);
        _mm256_store_si256(reinterpret_cast<__m256i *>(high), highest);
        bool yes = true;
        for (int k = 1; k < 8; k += 2) // the high halves
            yes = yes && low[k] >= lo_word && int32_t(high[k]) <= hi_word;
        return yes;
    }
};

NG_AVX2_FN void sum3_avx2(const float *f0, const float *f1, const float *f2, float *w, int64_t n8,
                          float a, float b, float c) {
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b), vc = _mm256_set1_ps(c);
    for (int64_t j = 0; j < n8; j += 8) {
        prefetch(f2 + j);
        _mm256_stream_ps(w + j, _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(va, _mm256_loadu_ps(f0 + j)),
                                                            _mm256_mul_ps(vb, _mm256_loadu_ps(f1 + j))),
                                              _mm256_mul_ps(vc, _mm256_loadu_ps(f2 + j))));
    }
}

// The 256-bit operations of the lockstep loops, for float64 (4 per vector) and float32
// (8): one loop serves both.
struct PackedDouble {
    using E = double;
    using V = __m256d;
    using M = __m256d; // lane masks
    using Markstein = MarksteinAvx2;
    static constexpr int64_t n = 4;
    static constexpr int delay = 0; // see Delayed
    static constexpr bool streaming = true; // the outputs' vectors: stream(), else store() (InCache)
    static NG_AVX2_FN V load(const E *p) { return _mm256_loadu_pd(p); }
    static NG_AVX2_FN void stream(E *w, V v) { _mm256_stream_pd(w, v); }
    static NG_AVX2_FN void store(E *w, V v) { _mm256_store_pd(w, v); }
    static NG_AVX2_FN V broadcast(E x) { return _mm256_set1_pd(x); }
    static NG_AVX2_FN V weight(double x) { return _mm256_set1_pd(x); }
    static NG_AVX2_FN V weights(const double *p) { return _mm256_loadu_pd(p); }
    static NG_AVX2_FN V add(V a, V b) { return _mm256_add_pd(a, b); }
    static NG_AVX2_FN V sub(V a, V b) { return _mm256_sub_pd(a, b); }
    static NG_AVX2_FN V mul(V a, V b) { return _mm256_mul_pd(a, b); }
    static NG_AVX2_FN V div(V a, V b) { return _mm256_div_pd(a, b); }
    // all ones in lane `at` (lane_mask) or in lanes `at` and after (lanes_from), zeros
    // elsewhere; blend: b where mask is set, else a
    static NG_AVX2_FN M lane_mask(int64_t at) {
        return _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_set1_epi64x(at), _mm256_setr_epi64x(0, 1, 2, 3)));
    }
    static NG_AVX2_FN M lanes_from(int64_t at) {
        return _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_setr_epi64x(0, 1, 2, 3), _mm256_set1_epi64x(at - 1)));
    }
    static NG_AVX2_FN V blend(V a, V b, M mask) { return _mm256_blendv_pd(a, b, mask); }
    static NG_AVX2_FN M either(M m1, M m2) { return _mm256_or_pd(m1, m2); }
    static NG_AVX2_FN M no_mask() { return _mm256_setzero_pd(); }
    static NG_AVX2_FN V none() { return _mm256_setzero_pd(); }
    // x moved up a lane, b's in lane 0 (before); down a lane, b's in the last (after): the
    // weighted sums' neighbours along a row, from the centre. The differences there load
    // both neighbours unless shift_row: 256-bit loads split a cache line only half the
    // time, and a permute and a blend each gained nothing (256^3, float64 h = 1, float32).
    static constexpr bool shift_row = false;
    static NG_AVX2_FN V before(V x, V b) { return _mm256_blend_pd(_mm256_permute4x64_pd(x, 0x93), b, 0x1); }
    static NG_AVX2_FN V after(V x, V b) { return _mm256_blend_pd(_mm256_permute4x64_pd(x, 0x39), b, 0x8); }
};
struct PackedFloat {
    using E = float;
    using V = __m256;
    using M = __m256;
    static constexpr int64_t n = 8;
    static constexpr int delay = 0; // see Delayed
    static constexpr bool streaming = true;
    static NG_AVX2_FN V load(const E *p) { return _mm256_loadu_ps(p); }
    static NG_AVX2_FN void stream(E *w, V v) { _mm256_stream_ps(w, v); }
    static NG_AVX2_FN void store(E *w, V v) { _mm256_store_ps(w, v); }
    static NG_AVX2_FN V broadcast(E x) { return _mm256_set1_ps(x); }
    static NG_AVX2_FN V sub(V a, V b) { return _mm256_sub_ps(a, b); }
    static NG_AVX2_FN V mul(V a, V b) { return _mm256_mul_ps(a, b); }
    static NG_AVX2_FN V div(V a, V b) { return _mm256_div_ps(a, b); }
    static NG_AVX2_FN M lane_mask(int64_t at) {
        return _mm256_castsi256_ps(
            _mm256_cmpeq_epi32(_mm256_set1_epi32(int(at)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    }
    static NG_AVX2_FN M lanes_from(int64_t at) {
        return _mm256_castsi256_ps(
            _mm256_cmpgt_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(int(at) - 1)));
    }
    static NG_AVX2_FN V blend(V a, V b, M mask) { return _mm256_blendv_ps(a, b, mask); }
    static NG_AVX2_FN M either(M m1, M m2) { return _mm256_or_ps(m1, m2); }
    static NG_AVX2_FN M no_mask() { return _mm256_setzero_ps(); }
    static NG_AVX2_FN V none() { return _mm256_setzero_ps(); }
    static constexpr bool shift_row = false; // see PackedDouble
};
template <class E> using Packed = typename std::conditional<std::is_same<E, double>::value, PackedDouble, PackedFloat>::type;
// float32 samples in float64 arithmetic (coordinates), 4 per vector: converted on loading
// and rounded once on storing (16-byte streaming stores).
struct PackedFloatInDouble : PackedDouble {
    using E = float;
    static NG_AVX2_FN V load(const E *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
    static NG_AVX2_FN void stream(E *w, V v) { _mm_stream_ps(w, _mm256_cvtpd_ps(v)); }
    static NG_AVX2_FN void store(E *w, V v) { _mm_store_ps(w, _mm256_cvtpd_ps(v)); }
    static NG_AVX2_FN V broadcast(E x) { return _mm256_set1_pd(x); }
};

// Vectors P whose lockstep loops store their outputs' vectors with ordinary (aligned)
// stores: outputs small enough to stay in cache for the caller. Until these, such outputs
// took the per-output runs, whose compiler-vectorised SSE2 loops divided: 64^3 float64
// with h = 0.1 took 2.0 ns an element on 1 thread, against 1.07 for 256^3 streamed.
template <class P> struct InCache : P {
    static constexpr bool streaming = false;
};
// Vectors P whose lockstep loops store each vector's values only after loading the next
// `delay` vectors' samples (P::delay is 0). On AMD Zen 4 a load waits for an older store
// to an address equal to its own modulo 4 KiB until that store is written, which a
// streaming store takes long to be; outputs a few bytes further into their pages than the
// input (views, a stacked array of an odd size: the `offset` layout) put the last
// vectors' stores there. A/B, 1 thread, outputs 16 and 32 bytes further: 4096^2 float32
// with coordinates 35 -> 16 ms, float64 h = 0.1 27 -> 15; stored at once where the
// outputs lie at the input's offset, a delay cost 3-20 % (256^3), so it is taken only
// where an output lies 1 to delay vectors' bytes further (delayed()).
template <class P> struct Delayed : P {
    static constexpr int delay = 2;
};

// One output of a lockstep loop: a difference w[j] = (p[j] - q[j]) / d, or a weighted sum
// w[j] = a*p[j] + b*q[j] + c*r[j], evaluated ((a*p) + (b*q)) + (c*r) in float64. A weighted
// sum's weights are per row (row g of the stretch: a[g * step], step 0 or 1, rows of
// `period` columns), or per column (the row dim's output, col >= 0: column j's at
// a[col + j], the table repeating every `period` columns).
template <class T> struct Lane {
    const T *p, *q, *r;
    T *w; // aligned to a vector's bytes
    Divisor<T> d;
    const double *a = nullptr, *b = nullptr, *c = nullptr;
    int64_t step = 0, col = -1, period = INT64_MAX;
    int64_t row_at = INT64_MAX; // step 1: where the next row starts (its weights), then every period

    // The same lane from its column j on.
    Lane from(int64_t j) const {
        Lane l = *this;
        l.p += j, l.q += j, l.w += j;
        if (r)
            l.r += j;
        if (col >= 0)
            l.col += j;
        if (row_at != INT64_MAX)
            l.row_at -= j;
        return l;
    }
};

// Where the stretch of a lockstep loop, spanning whole rows of X columns, crosses from one
// row to the next: a row's last column at `next` (from the stretch's start; at most X-1
// before it), the first of the following row at next + 1, and so on every X columns. The
// output along the row dim (lane `lane`, -1: none) takes its values there from the caller,
// edge(s) for the seam numbered s (the one at `next` is number `index`, the one after it
// index + 1, ...): the boundary formulas. No such lane, no seams.
struct Seams {
    int lane = -1;
    int64_t next = INT64_MAX, X = 0, index = 0;
};

namespace avx2 {
#define NG_LOCKSTEP_FN NG_AVX2_FMA_FN
#include "lockstep.inc"
#undef NG_LOCKSTEP_FN
} // namespace avx2

// One output's differences (p the neighbour ahead, read here for the first time:
// prefetching it measured about 5 % faster on 256^3), n a multiple of the vector width,
// w 32-byte aligned.
template <class E> NG_AVX2_FN void diff_avx2(const E *p, const E *q, E *w, int64_t n, const Divisor<E> &d) {
    const Lane<E> lane{p, q, nullptr, w, d};
    avx2::diffs_loop<Packed<E>, 1, false>(&lane, n, p, Seams{}, [](int64_t) { return E(); });
}

#if NG_AVX512
// AVX-512 (F) versions, 8 doubles wide, of the loops whose arithmetic bounds them: the
// divisions of the coordinates' weights and float32 samples summed in float64 (their
// conversions). Where the 512-bit units do twice the 256-bit work per cycle (AMD Zen 5)
// these loops take about half the time; memory-bound loops gain nothing and have none.
// The same operations in the same order as the narrower loops: the same bits.
bool have_avx512() {
    static const bool yes = [] {
        __builtin_cpu_init();
        return have_avx2() && __builtin_cpu_supports("avx512f");
    }();
    return yes;
}

// Whether the lockstep loops take 512-bit vectors throughout, not only where the
// arithmetic bounds them (Packed512Double, Packed512FloatInDouble). The better width was
// measured per CPU: AMD Zen 4 (family 0x19, AVX-512 on 256-bit units) runs them up to
// twice as fast 512 bits wide (A/B, 1 thread, 4096^2 float64 h = 0.125: 26-31 -> 16 ms;
// 256^3: 42 -> 27 ms), where half as many loads and stores are in flight for the same
// bytes; on Zen 5 (family 0x1a) 256 bits were faster for the differences by the inverse
// and the float64 weighted sums (see Packed512Double). CPUs not measured keep the latter.
// -DNG_WIDE_LOCKSTEP takes 512 bits wherever AVX-512 is (a test build: scripts/sanitize.sh).
bool wide_lockstep() {
    static const bool yes = [] {
        if (!have_avx512())
            return false;
#if defined(NG_WIDE_LOCKSTEP)
        return true;
#else
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx))
            return false;
        const bool amd = ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163; // "AuthenticAMD"
        if (!amd || !__get_cpuid(1, &eax, &ebx, &ecx, &edx))
            return false;
        const unsigned family = ((eax >> 8) & 0xf) + ((eax >> 20) & 0xff);
        return family == 0x19;
#endif
    }();
    return yes;
}

#define NG_AVX512_FN __attribute__((target("avx2,fma,avx512f")))
NG_AVX512_FN inline __m512d term8(__m512d a, __m512d x0, __m512d b, __m512d x1, __m512d c, __m512d x2) {
    return _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(a, x0), _mm512_mul_pd(b, x1)), _mm512_mul_pd(c, x2));
}
// The conversions through their zero-masked forms: GCC 12's plain ones read an
// uninitialised vector (-Wmaybe-uninitialized).
NG_AVX512_FN inline __m512d wide8(const float *f) { return _mm512_maskz_cvtps_pd(0xff, _mm256_loadu_ps(f)); }
NG_AVX512_FN inline __m256 narrow8(__m512d v) { return _mm512_maskz_cvtpd_ps(0xff, v); }
// coords_term for eight consecutive positions
NG_AVX512_FN inline __m512d coords_term8(const double *x0, __m512d f0, __m512d f1, __m512d f2) {
    const __m512d xm = _mm512_loadu_pd(x0), x = _mm512_loadu_pd(x0 + 1), xp = _mm512_loadu_pd(x0 + 2);
    const __m512d dx1 = _mm512_sub_pd(x, xm), dx2 = _mm512_sub_pd(xp, x);
    const __m512d sum = _mm512_add_pd(dx1, dx2);
    const __m512d minus_dx2 = _mm512_castsi512_pd(
        _mm512_xor_si512(_mm512_castpd_si512(dx2), _mm512_set1_epi64(INT64_MIN))); // AVX-512F has no xor_pd
    const __m512d a = _mm512_div_pd(minus_dx2, _mm512_mul_pd(dx1, sum));
    const __m512d b = _mm512_div_pd(_mm512_sub_pd(dx2, dx1), _mm512_mul_pd(dx1, dx2));
    const __m512d c = _mm512_div_pd(dx1, _mm512_mul_pd(dx2, sum));
    return term8(a, f0, b, f1, c, f2);
}
// n8 elements (a multiple of 8), w 64-byte aligned (double) or 32-byte aligned (float)
NG_AVX512_FN void sum3_coords_avx512(const double *f0, double *w, int64_t n8, const double *x0) {
    for (int64_t j = 0; j < n8; j += 8) {
        prefetch(x0 + j), prefetch(f0 + j);
        _mm512_stream_pd(w + j, coords_term8(x0 + j, _mm512_loadu_pd(f0 + j), _mm512_loadu_pd(f0 + j + 1),
                                             _mm512_loadu_pd(f0 + j + 2)));
    }
}
NG_AVX512_FN void sum3_coords_avx512(const float *f0, float *w, int64_t n8, const double *x0) {
    for (int64_t j = 0; j < n8; j += 8) {
        if (j % 16 == 0)
            prefetch(f0 + j);
        prefetch(x0 + j);
        _mm256_stream_ps(w + j, narrow8(coords_term8(x0 + j, wide8(f0 + j), wide8(f0 + j + 1),
                                                     wide8(f0 + j + 2))));
    }
}
NG_AVX512_FN void sum3_avx512(const float *f0, const float *f1, const float *f2, float *w, int64_t n8,
                              double a, double b, double c) {
    const __m512d va = _mm512_set1_pd(a), vb = _mm512_set1_pd(b), vc = _mm512_set1_pd(c);
    for (int64_t j = 0; j < n8; j += 8) {
        if (j % 16 == 0)
            prefetch(f2 + j);
        _mm256_stream_ps(w + j, narrow8(term8(va, wide8(f0 + j), vb, wide8(f1 + j), vc, wide8(f2 + j))));
    }
}
NG_AVX512_FN void sum3_table_avx512(const float *f0, float *w, int64_t n8, const double *a,
                                    const double *b, const double *c) {
    for (int64_t j = 0; j < n8; j += 8) {
        if (j % 16 == 0)
            prefetch(f0 + j);
        _mm256_stream_ps(w + j, narrow8(term8(_mm512_loadu_pd(a + j), wide8(f0 + j),
                                              _mm512_loadu_pd(b + j), wide8(f0 + j + 1),
                                              _mm512_loadu_pd(c + j), wide8(f0 + j + 2))));
    }
}

// Markstein's correction eight doubles at a time: MarksteinAvx2's operations, the same bits.
struct Markstein512 {
    using I = __m512i;
    __m512d abs_d, y;
    __m512i sign; // of d, flipped into the quotient
    uint32_t lo_word;
    int32_t hi_word;
    Markstein512() = default;
    NG_AVX512_FN explicit Markstein512(const Divisor<double> &d) {
        const MarksteinAvx2 narrow(d);
        abs_d = _mm512_set1_pd(std::fabs(d.d)), y = _mm512_set1_pd(std::fabs(d.inv));
        sign = _mm512_castpd_si512(_mm512_set1_pd(std::copysign(0.0, d.d)));
        lo_word = narrow.lo_word, hi_word = narrow.hi_word;
    }
    static NG_AVX512_FN void start(I &lowest, I &highest) {
        lowest = _mm512_set1_epi32(-1), highest = _mm512_setzero_si512();
    }
    NG_AVX512_FN __m512d quotient(__m512d x, I &lowest, I &highest) const {
        const __m512i t = _mm512_sub_epi64(_mm512_and_si512(_mm512_castpd_si512(x), _mm512_set1_epi64(INT64_MAX)),
                                           _mm512_set1_epi64(1));
        lowest = _mm512_maskz_min_epu32(0xffff, lowest, t); // zero-masked: see wide8
        highest = _mm512_maskz_max_epi32(0xffff, highest, t);
        const __m512d q0 = _mm512_mul_pd(x, y);
        const __m512d r = _mm512_fmsub_pd(q0, abs_d, x);
        return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(_mm512_fnmadd_pd(r, y, q0)), sign));
    }
    NG_AVX512_FN bool exact(I lowest, I highest) const {
        alignas(64) uint32_t low[16], high[16];
        _mm512_store_si512(low, lowest);
        _mm512_store_si512(high, highest);
        bool yes = true;
        for (int k = 1; k < 16; k += 2) // the high halves
            yes = yes && low[k] >= lo_word && int32_t(high[k]) <= hi_word;
        return yes;
    }
};

// The lane masks of 512-bit vectors (M: a bit per lane).
template <class Mask> struct Masks512 {
    using M = Mask;
    static M lane_mask(int64_t at) { return M(1u << at); }
    static M lanes_from(int64_t at) { return M(~0u << at); }
    static M either(M m1, M m2) { return M(m1 | m2); }
    static M no_mask() { return 0; }
};

// float64, 8 per vector, for the lockstep differences that divide (a spacing not a power
// of two: Markstein's correction, six operations more per vector), which then bound the
// loop as much as memory does. AMD Zen 5, A/B in one process, h = 0.1: 256^3 21.9 -> 19.4
// ms on one thread, 11.5 -> 10.2 on two; 4096^2 13.9 -> 13.0 and 6.4 -> 6.2. Differences
// by the inverse (a multiply) stay 4 wide there: 8 wide, 4096^2 lost 15-25 % (12.1 -> 14.4
// ms), 256^3 neither gained nor lost. On Zen 4 every lockstep loop is 8 wide (wide_lockstep()).
struct Packed512Double : Masks512<__mmask8> {
    using E = double;
    using V = __m512d;
    using Markstein = Markstein512;
    static constexpr int64_t n = 8;
    static constexpr int delay = 0; // see Delayed
    static constexpr bool streaming = true;
    static NG_AVX512_FN V load(const E *p) { return _mm512_loadu_pd(p); }
    static NG_AVX512_FN void stream(E *w, V v) { _mm512_stream_pd(w, v); }
    static NG_AVX512_FN void store(E *w, V v) { _mm512_store_pd(w, v); }
    static NG_AVX512_FN V broadcast(E x) { return _mm512_set1_pd(x); }
    static NG_AVX512_FN V weight(double x) { return _mm512_set1_pd(x); }
    static NG_AVX512_FN V weights(const double *p) { return _mm512_loadu_pd(p); }
    static NG_AVX512_FN V add(V a, V b) { return _mm512_add_pd(a, b); }
    static NG_AVX512_FN V sub(V a, V b) { return _mm512_sub_pd(a, b); }
    static NG_AVX512_FN V mul(V a, V b) { return _mm512_mul_pd(a, b); }
    static NG_AVX512_FN V div(V a, V b) { return _mm512_div_pd(a, b); }
    static NG_AVX512_FN V blend(V a, V b, M mask) { return _mm512_mask_blend_pd(mask, a, b); }
    static NG_AVX512_FN V none() { return _mm512_setzero_pd(); }
    static constexpr bool shift_row = true; // see PackedDouble
    // (maskz with every lane: gcc 12 warns that _mm512_alignr_epi64's undefined source may
    // be used uninitialized)
    static NG_AVX512_FN V before(V x, V b) {
        return _mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, _mm512_castpd_si512(x), _mm512_castpd_si512(b), 7));
    }
    static NG_AVX512_FN V after(V x, V b) {
        return _mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, _mm512_castpd_si512(b), _mm512_castpd_si512(x), 1));
    }
};
// float32 samples in float64, 8 per vector, for the lockstep weighted sums: there the
// conversions bound the loop, and 512-bit vectors take half the instructions (AMD Zen 5,
// A/B: 256^3 with coordinates 7.3 -> 5.4 ms on 2 threads, 4096^2 4.5 -> 3.3). float64
// keeps 256-bit vectors on Zen 5: 8 wide it gained a tenth with 3 outputs (256^3) but lost
// 10-35 % with 2 (4096^2: 9.7 -> 14-17 ms on one thread; 256^3, any two axes, the table's
// or not), and not through the 64-byte streaming stores (two 32-byte ones did the same).
// On Zen 4, 8 wide took half the time (wide_lockstep()).
struct Packed512FloatInDouble : Packed512Double {
    using E = float;
    static NG_AVX512_FN V load(const E *p) { return wide8(p); }
    static NG_AVX512_FN void stream(E *w, V v) { _mm256_stream_ps(w, narrow8(v)); }
    static NG_AVX512_FN void store(E *w, V v) { _mm256_store_ps(w, narrow8(v)); }
};

// float32, 16 per vector: the lockstep differences where the CPU takes 512-bit vectors
// throughout (wide_lockstep()).
struct Packed512Float : Masks512<__mmask16> {
    using E = float;
    using V = __m512;
    static constexpr int64_t n = 16;
    static constexpr int delay = 0; // see Delayed
    static constexpr bool streaming = true;
    static NG_AVX512_FN V load(const E *p) { return _mm512_loadu_ps(p); }
    static NG_AVX512_FN void stream(E *w, V v) { _mm512_stream_ps(w, v); }
    static NG_AVX512_FN void store(E *w, V v) { _mm512_store_ps(w, v); }
    static NG_AVX512_FN V broadcast(E x) { return _mm512_set1_ps(x); }
    static NG_AVX512_FN V sub(V a, V b) { return _mm512_sub_ps(a, b); }
    static NG_AVX512_FN V mul(V a, V b) { return _mm512_mul_ps(a, b); }
    static NG_AVX512_FN V div(V a, V b) { return _mm512_div_ps(a, b); }
    static NG_AVX512_FN V blend(V a, V b, M mask) { return _mm512_mask_blend_ps(mask, a, b); }
    static NG_AVX512_FN V none() { return _mm512_setzero_ps(); }
    static constexpr bool shift_row = true; // see Packed512Double
    static NG_AVX512_FN V before(V x, V b) {
        return _mm512_castsi512_ps(
            _mm512_maskz_alignr_epi32(0xffff, _mm512_castps_si512(x), _mm512_castps_si512(b), 15));
    }
    static NG_AVX512_FN V after(V x, V b) {
        return _mm512_castsi512_ps(
            _mm512_maskz_alignr_epi32(0xffff, _mm512_castps_si512(b), _mm512_castps_si512(x), 1));
    }
};

namespace avx512 {
#define NG_LOCKSTEP_FN NG_AVX512_FN
#include "lockstep.inc"
#undef NG_LOCKSTEP_FN
} // namespace avx512
#undef NG_AVX512_FN
#endif
#undef NG_AVX2_FN
#undef NG_AVX2_FMA_FN

#endif

#if NG_STREAMING_STORES
// The widest argument of a vector_loop without one.
struct NoLoop {
    void operator()(int64_t, int64_t) const {}
};

// Streams as much of m elements at w (16-byte aligned) as whole vectors cover: AVX2
// `wide(j, n)` over n elements from j (a multiple of `per_wide`, w + j aligned to the
// per_wide elements' bytes: 256-bit streaming stores need 32) when the CPU has AVX2, and
// SSE2 `step(j)` (16 bytes from j) before and after them, or throughout without AVX2.
// With `per_widest` (> 0) and AVX-512, `widest(j, n)` takes the bulk the same way (n a
// multiple of per_widest, aligned to their bytes), wide() the vectors around it.
// Returns the elements written.
template <int64_t per_wide, int64_t per_widest = 0, class O, class S, class Q, class Z = NoLoop>
int64_t vector_loop(const O *w, int64_t m, S &&step, Q &&wide, Z &&widest = Z()) {
    constexpr int64_t per_step = 16 / int64_t(sizeof(O));
    int64_t j = 0;
#if NG_AVX2
    const auto misaligned = [&](int64_t at, int64_t elements) {
        return reinterpret_cast<uintptr_t>(w + at) % uintptr_t(elements * int64_t(sizeof(O))) != 0;
    };
    if (have_avx2()) {
        // numpy's large arrays start 16 bytes into a page
        while (misaligned(j, per_wide) && j + per_step <= m)
            step(j), j += per_step;
#if NG_AVX512
        if constexpr (per_widest > 0) {
            if (have_avx512()) {
                int64_t n = 0;
                while (misaligned(j + n, per_widest) && j + n + per_wide <= m)
                    n += per_wide;
                if (n > 0)
                    wide(j, n), j += n;
                n = (m - j) / per_widest * per_widest;
                if (n > 0)
                    widest(j, n), j += n;
            }
        }
#else
        (void)widest;
#endif
        const int64_t n = (m - j) / per_wide * per_wide;
        if (n > 0)
            wide(j, n), j += n;
    }
#else
    (void)w;
    (void)wide;
    (void)widest;
#endif
    for (; j + per_step <= m; j += per_step)
        step(j);
    return j;
}

// The wide and widest arguments of vector_loop: an AVX2 or AVX-512 call (none without
// an AVX2 build).
#if !NG_AVX2
#define NG_WIDE(call) [](int64_t, int64_t) {}
#else
#define NG_WIDE(call) [&](int64_t j, int64_t n) { call; }
#endif
#if !NG_AVX512
#define NG_WIDEST(call) NoLoop()
#else
#define NG_WIDEST(call) NG_WIDE(call)
#endif

template <> struct Direct<double, double, double> {
    static int64_t sum3_coords(const double *f0, double *w, int64_t m, const double *x0) {
        return vector_loop<4, 8>(
            w, m,
            [&](int64_t j) {
                if (j % 8 == 0)
                    prefetch(x0 + j), prefetch(f0 + j);
                _mm_stream_pd(w + j, coords_term(x0 + j, _mm_loadu_pd(f0 + j), _mm_loadu_pd(f0 + j + 1),
                                                 _mm_loadu_pd(f0 + j + 2)));
            },
            NG_WIDE(sum3_coords_avx2(f0 + j, w + j, n, x0 + j)),
            NG_WIDEST(sum3_coords_avx512(f0 + j, w + j, n, x0 + j)));
    }
    static int64_t diff(const double *p, const double *q, double *w, int64_t m,
                        const Divisor<double> &d) {
        const __m128d inv = _mm_set1_pd(d.inv), div = _mm_set1_pd(d.d);
        return vector_loop<4>(
            w, m,
            [&](int64_t j) {
                const __m128d delta = _mm_sub_pd(_mm_loadu_pd(p + j), _mm_loadu_pd(q + j));
                _mm_stream_pd(w + j, d.by_inverse ? _mm_mul_pd(inv, delta) : _mm_div_pd(delta, div));
            },
            NG_WIDE(diff_avx2(p + j, q + j, w + j, n, d)));
    }
    static __m128d term(__m128d a, __m128d x0, __m128d b, __m128d x1, __m128d c, __m128d x2) {
        return _mm_add_pd(_mm_add_pd(_mm_mul_pd(a, x0), _mm_mul_pd(b, x1)), _mm_mul_pd(c, x2));
    }
    static int64_t sum3(const double *f0, const double *f1, const double *f2, double *w, int64_t m,
                        double a, double b, double c) {
        const __m128d va = _mm_set1_pd(a), vb = _mm_set1_pd(b), vc = _mm_set1_pd(c);
        return vector_loop<4>(
            w, m,
            [&](int64_t j) {
                _mm_stream_pd(w + j, term(va, _mm_loadu_pd(f0 + j), vb, _mm_loadu_pd(f1 + j), vc,
                                          _mm_loadu_pd(f2 + j)));
            },
            NG_WIDE(sum3_avx2(f0 + j, f1 + j, f2 + j, w + j, n, a, b, c)));
    }
    static int64_t sum3_table(const double *f0, double *w, int64_t m, const double *a,
                              const double *b, const double *c) {
        return vector_loop<4>(
            w, m,
            [&](int64_t j) {
                _mm_stream_pd(w + j, term(_mm_loadu_pd(a + j), _mm_loadu_pd(f0 + j), _mm_loadu_pd(b + j),
                                          _mm_loadu_pd(f0 + j + 1), _mm_loadu_pd(c + j),
                                          _mm_loadu_pd(f0 + j + 2)));
            },
            NG_WIDE(sum3_table_avx2(f0 + j, w + j, n, a + j, b + j, c + j)));
    }
};

template <> struct Direct<float, float, float> {
    static int64_t sum3_coords(const float *, float *, int64_t, const double *) { return 0; }
    static int64_t diff(const float *p, const float *q, float *w, int64_t m, const Divisor<float> &d) {
        const __m128 inv = _mm_set1_ps(d.inv), div = _mm_set1_ps(d.d);
        return vector_loop<8>(
            w, m,
            [&](int64_t j) {
                const __m128 delta = _mm_sub_ps(_mm_loadu_ps(p + j), _mm_loadu_ps(q + j));
                _mm_stream_ps(w + j, d.by_inverse ? _mm_mul_ps(inv, delta) : _mm_div_ps(delta, div));
            },
            NG_WIDE(diff_avx2(p + j, q + j, w + j, n, d)));
    }
    static int64_t sum3(const float *f0, const float *f1, const float *f2, float *w, int64_t m,
                        float a, float b, float c) {
        const __m128 va = _mm_set1_ps(a), vb = _mm_set1_ps(b), vc = _mm_set1_ps(c);
        return vector_loop<8>(
            w, m,
            [&](int64_t j) {
                _mm_stream_ps(w + j, _mm_add_ps(_mm_add_ps(_mm_mul_ps(va, _mm_loadu_ps(f0 + j)),
                                                           _mm_mul_ps(vb, _mm_loadu_ps(f1 + j))),
                                                _mm_mul_ps(vc, _mm_loadu_ps(f2 + j))));
            },
            NG_WIDE(sum3_avx2(f0 + j, f1 + j, f2 + j, w + j, n, a, b, c)));
    }
    static int64_t sum3_table(const float *, float *, int64_t, const double *, const double *,
                              const double *) {
        return 0; // tables mean coordinates: float32 computes those in double
    }
};

// float32 samples with coordinates: double arithmetic, rounded once to float32.
template <> struct Direct<float, float, double> {
    static int64_t sum3_coords(const float *f0, float *w, int64_t m, const double *x0) {
        return vector_loop<4, 8>(
            w, m,
            [&](int64_t j) {
                if (j % 16 == 0)
                    prefetch(f0 + j);
                if (j % 8 == 0)
                    prefetch(x0 + j);
                const __m128 x0v = _mm_loadu_ps(f0 + j), x1v = _mm_loadu_ps(f0 + j + 1),
                             x2v = _mm_loadu_ps(f0 + j + 2);
                _mm_stream_ps(w + j, pack(coords_term(x0 + j, lo(x0v), lo(x1v), lo(x2v)),
                                          coords_term(x0 + j + 2, hi(x0v), hi(x1v), hi(x2v))));
            },
            NG_WIDE(sum3_coords_avx2(f0 + j, w + j, n, x0 + j)),
            NG_WIDEST(sum3_coords_avx512(f0 + j, w + j, n, x0 + j)));
    }
    static int64_t diff(const float *, const float *, float *, int64_t, const Divisor<double> &) {
        return 0; // only the edge_order 1 boundary rows
    }
    static __m128d lo(__m128 x) { return _mm_cvtps_pd(x); }
    static __m128d hi(__m128 x) { return _mm_cvtps_pd(_mm_movehl_ps(x, x)); }
    static __m128 pack(__m128d l, __m128d h) { return _mm_movelh_ps(_mm_cvtpd_ps(l), _mm_cvtpd_ps(h)); }
    static int64_t sum3(const float *f0, const float *f1, const float *f2, float *w, int64_t m,
                        double a, double b, double c) {
        using D = Direct<double, double, double>;
        const __m128d va = _mm_set1_pd(a), vb = _mm_set1_pd(b), vc = _mm_set1_pd(c);
        return vector_loop<4, 8>(
            w, m,
            [&](int64_t j) {
                const __m128 x0 = _mm_loadu_ps(f0 + j), x1 = _mm_loadu_ps(f1 + j), x2 = _mm_loadu_ps(f2 + j);
                _mm_stream_ps(w + j, pack(D::term(va, lo(x0), vb, lo(x1), vc, lo(x2)),
                                          D::term(va, hi(x0), vb, hi(x1), vc, hi(x2))));
            },
            NG_WIDE(sum3_avx2(f0 + j, f1 + j, f2 + j, w + j, n, a, b, c)),
            NG_WIDEST(sum3_avx512(f0 + j, f1 + j, f2 + j, w + j, n, a, b, c)));
    }
    static int64_t sum3_table(const float *f0, float *w, int64_t m, const double *a, const double *b,
                              const double *c) {
        using D = Direct<double, double, double>;
        return vector_loop<4, 8>(
            w, m,
            [&](int64_t j) {
                const __m128 x0 = _mm_loadu_ps(f0 + j), x1 = _mm_loadu_ps(f0 + j + 1),
                             x2 = _mm_loadu_ps(f0 + j + 2);
                const __m128d l = D::term(_mm_loadu_pd(a + j), lo(x0), _mm_loadu_pd(b + j), lo(x1),
                                          _mm_loadu_pd(c + j), lo(x2));
                const __m128d h = D::term(_mm_loadu_pd(a + j + 2), hi(x0), _mm_loadu_pd(b + j + 2), hi(x1),
                                          _mm_loadu_pd(c + j + 2), hi(x2));
                _mm_stream_ps(w + j, pack(l, h));
            },
            NG_WIDE(sum3_table_avx2(f0 + j, w + j, n, a + j, b + j, c + j)),
            NG_WIDEST(sum3_table_avx512(f0 + j, w + j, n, a + j, b + j, c + j)));
    }
};
#undef NG_WIDE
#undef NG_WIDEST
#endif

#if NG_STREAMING_STORES
// How many of the count elements at p lie before the first `boundary`-aligned address
// (all of them when elements never reach one).
template <int64_t boundary, class O> int64_t elements_before(const O *p, int64_t count) {
    const int64_t bytes = int64_t(-reinterpret_cast<uintptr_t>(p) % boundary);
    return bytes % int64_t(sizeof(O)) == 0 ? std::min(count, bytes / int64_t(sizeof(O))) : count;
}

// Fetches the lines of o[0] (when `a` > 0) and o[b] (when b < m): the partial lines around
// the streaming stores to o[a .. b), which take ordinary stores after them. A store that
// misses the cache holds up every later store, streaming ones included, until its line
// arrives; fetched ahead, the line is there by then (every axis of 256^3 float64 with
// coordinates, outputs 16, 32 and 48 bytes into a line, so written output by output in
// runs: 45 -> 29 ms on 1 thread, A/B).
template <class O> void prefetch_partial_lines(const O *o, int64_t a, int64_t b, int64_t m) {
    if (a > 0)
        _mm_prefetch(reinterpret_cast<const char *>(o), _MM_HINT_T0);
    if (b < m)
        _mm_prefetch(reinterpret_cast<const char *>(o + b), _MM_HINT_T0);
}
#endif

// Writes m elements at o (stride so). fill(w, ws, j, count) computes the elements
// j .. j+count-1 into w (stride ws); direct(w, j, count) streams elements j .. j+count-1
// straight to w (64-byte aligned, count a whole number of cache lines) and returns how
// many it wrote, for elements in [lo, hi) only (a row's boundary elements have other
// formulas). With `streaming` and a unit stride, the whole cache lines of [lo, hi) go to
// memory through `direct`'s non-temporal stores, the elements around them through fill()
// with ordinary stores. The direct loop ends on a line: an ordinary store into a line
// after streaming stores costs a flush of the partial line. Streaming the elements around
// it too, from a staging buffer in L1, was slower on Zen 5 than ordinary stores (a
// row-axis gradient of 256^3 float64, rows on a cache line: 12.0 -> 6.2 ms, A/B; every
// element staged, an input with stride 2: 27 -> 17 ms).
template <class O, class F, class D>
void emit(O *o, int64_t so, int64_t m, bool streaming, F &&fill, D &&direct, int64_t lo, int64_t hi) {
#if NG_STREAMING_STORES
    if (streaming && so == 1 && lo < hi) {
        constexpr int64_t line = 64 / int64_t(sizeof(O));
        const int64_t d = lo + elements_before<64>(o + lo, hi - lo), e = d + (hi - d) / line * line;
        prefetch_partial_lines(o, d, e, m);
        const int64_t done = d < e ? direct(o + d, d, e - d) : 0;
        if (done > 0) {
            if (d > 0)
                fill(o, 1, 0, d);
            if (d + done < m)
                fill(o + d + done, 1, d + done, m - d - done);
            return;
        }
    }
#else
    (void)streaming;
    (void)direct;
    (void)lo;
    (void)hi;
#endif
    fill(o, so, 0, m);
}

// Maps the pages of [begin, end) that are not mapped yet, contents unchanged: fresh
// outputs (np.empty, malloc) get their pages only on first touch, and a page fault inside
// a run of streaming stores costs about twice what the same fault costs up front (the OS
// zeroes the page through the cache, then the streaming stores must evict it: measured
// 45 -> 28 ms for a fresh 1-D float64 gradient of 2^24 on one thread). Each thread maps
// the span it is about to write, so the OS's zeroing is spread over the threads too.
// Only when the span's first or last page is not mapped yet: on mapped 4 KiB pages the
// call would still walk the page tables (3 ms per 384 MiB, 7 % of a 3-D gradient).
// Linux 5.14 and later; elsewhere, or if a call fails, pages fault as before.
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
bool page_mapped(uintptr_t page_start) {
    unsigned char in_core = 0;
    return mincore(reinterpret_cast<void *>(page_start), 1, &in_core) == 0 && (in_core & 1);
}
#endif

void populate(const void *begin, const void *end) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    constexpr uintptr_t page = 4096;
    const uintptr_t lo = reinterpret_cast<uintptr_t>(begin) & ~(page - 1);
    const uintptr_t hi = reinterpret_cast<uintptr_t>(end);
    if (hi > lo && (!page_mapped(lo) || !page_mapped((hi - 1) & ~(page - 1))))
        (void)madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_POPULATE_WRITE);
#else
    (void)begin;
    (void)end;
#endif
}

// Makes the streaming stores of this thread globally visible before it leaves.
void streaming_fence() {
#if NG_STREAMING_STORES
    _mm_sfence();
#endif
}

// ------------------------------------------------------------------------ one axis
// The coefficients of one axis: uniform spacing, or weights from coordinates.
struct Stencil {
    bool uniform;
    double h;
    int64_t n;
    // Non-uniform: x the coordinates; a, b, c the interior weights at 1..n-2 (indexed by
    // position), or null when the kernel computes them block by block (the row axis);
    // left2 and right2 the edge_order 2 weights; dx_left and dx_right divide the
    // edge_order 1 differences.
    const double *x;
    const double *a, *b, *c;
    double left2[3], right2[3];
    double dx_left, dx_right;
};

// numpy's interior weights of positions lo .. hi-1 into a, b, c (indexed from lo), with
// its exact expressions (a vectorised loop: three divisions per position).
void weights_block(const double *__restrict x, int64_t lo, int64_t hi, double *__restrict a,
                   double *__restrict b, double *__restrict c) {
    const int64_t m = hi - lo;
    const double *xl = x + lo - 1;
    for (int64_t j = 0; j < m; ++j) {
        const double dx1 = xl[j + 1] - xl[j], dx2 = xl[j + 2] - xl[j + 1];
        a[j] = -dx2 / (dx1 * (dx1 + dx2));
        b[j] = (dx2 - dx1) / (dx1 * dx2);
        c[j] = dx1 / (dx2 * (dx1 + dx2));
    }
}

// The non-uniform stencil of coordinates x; `table` (3n doubles, or null for none)
// receives the interior weights.
void make_stencil(const double *x, int64_t n, int edge_order, double *table, Stencil &s) {
    s.x = x;
    s.a = s.b = s.c = nullptr;
    if (table) {
        double *a = table, *b = table + n, *c = table + 2 * n;
        weights_block(x, 1, n - 1, a + 1, b + 1, c + 1);
        s.a = a, s.b = b, s.c = c;
    }
    if (edge_order == 2) {
        double dx1 = x[1] - x[0], dx2 = x[2] - x[1];
        s.left2[0] = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2));
        s.left2[1] = (dx1 + dx2) / (dx1 * dx2);
        s.left2[2] = -dx1 / (dx2 * (dx1 + dx2));
        dx1 = x[n - 2] - x[n - 3], dx2 = x[n - 1] - x[n - 2];
        s.right2[0] = dx2 / (dx1 * (dx1 + dx2));
        s.right2[1] = -(dx2 + dx1) / (dx1 * dx2);
        s.right2[2] = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2));
    }
    s.dx_left = x[1] - x[0];
    s.dx_right = x[n - 1] - x[n - 2];
}

// Interior weights of a block of positions: w.a[i - base] belongs to position i.
struct Weights {
    const double *a, *b, *c;
    int64_t base;
};

// The formulas of one axis in arithmetic type A, applied to a row of elements across
// the axis (outer) or to a segment of a line along it (inner).
template <class T, class O, class A> struct AxisKernel {
    using Rw = Rows<T, O, A>;
    using Dr = Direct<T, O, A>;
    using R = typename Rw::R;
    int64_t n = 0;
    int edge_order = 1;
    bool uniform = true;
    const double *a = nullptr, *b = nullptr, *c = nullptr, *x = nullptr;
    Divisor<R> interior, left1, right1;
    R left2[3] = {}, right2[3] = {};

    void init(const Stencil &s, int order) {
        n = s.n, edge_order = order, uniform = s.uniform;
        a = s.a, b = s.b, c = s.c, x = s.x;
        if (uniform) {
            // Coefficients in double, rounded once to R (float32's rule).
            const double h = s.h;
            interior = Divisor<R>(R(2.0 * h)), left1 = right1 = Divisor<R>(R(h));
            left2[0] = R(-1.5 / h), left2[1] = R(2.0 / h), left2[2] = R(-0.5 / h);
            right2[0] = R(0.5 / h), right2[1] = R(-2.0 / h), right2[2] = R(1.5 / h);
        } else {
            left1 = Divisor<R>(R(s.dx_left)), right1 = Divisor<R>(R(s.dx_right));
            for (int e = 0; e < 3; ++e)
                left2[e] = R(s.left2[e]), right2[e] = R(s.right2[e]);
        }
    }

    // The formula at position i of the axis for a row across it, as offsets from the row
    // (sa the input stride along the axis): a difference (f[p] - f[q]) / d, or a weighted
    // sum wa*f[p] + wb*f[q] + wc*f[r].
    struct Formula {
        bool weighted;
        int64_t p, q, r;
        Divisor<R> d;
        R wa, wb, wc;
    };
    Formula outer_formula(int64_t sa, int64_t i) const {
        if (i == 0)
            return edge_order == 1 ? Formula{false, sa, 0, 0, left1, R(), R(), R()}
                                   : Formula{true, 0, sa, 2 * sa, {}, left2[0], left2[1], left2[2]};
        if (i == n - 1)
            return edge_order == 1 ? Formula{false, 0, -sa, 0, right1, R(), R(), R()}
                                   : Formula{true, -2 * sa, -sa, 0, {}, right2[0], right2[1], right2[2]};
        if (uniform)
            return Formula{false, sa, -sa, 0, interior, R(), R(), R()};
        return Formula{true, -sa, 0, sa, {}, R(a[i]), R(b[i]), R(c[i])};
    }
    // Where a weighted outer_formula's weights at position i are (float64 arithmetic: the
    // interior's in the table, position i + 1's next).
    void outer_weights(int64_t i, const double *&wa, const double *&wb, const double *&wc) const {
        static_assert(std::is_same<R, double>::value, "weights in float64");
        const R *w3 = i == 0 ? left2 : right2;
        if (i == 0 || i == n - 1)
            wa = w3, wb = w3 + 1, wc = w3 + 2;
        else
            wa = a + i, wb = b + i, wc = c + i;
    }

    // Position i along the axis for m elements across it: f and o address the first
    // element of the row at position i, sa is the input stride along the axis.
    void outer(const T *f, int64_t sa, int64_t si, O *o, int64_t so, int64_t m, int64_t i,
               bool streaming) const {
        const Formula fm = outer_formula(sa, i);
        const T *p = f + fm.p, *q = f + fm.q, *r = f + fm.r;
        if (fm.weighted)
            emit(
                o, so, m, streaming,
                [&](O *w, int64_t ws, int64_t j, int64_t count) {
                    Rw::sum3(p + j * si, q + j * si, r + j * si, si, w, ws, count, fm.wa, fm.wb, fm.wc);
                },
                [&](O *w, int64_t j, int64_t count) {
                    return si == 1 ? Dr::sum3(p + j, q + j, r + j, w, count, fm.wa, fm.wb, fm.wc) : 0;
                },
                0, m);
        else
            emit(
                o, so, m, streaming,
                [&](O *w, int64_t ws, int64_t j, int64_t count) {
                    Rw::diff(p + j * si, q + j * si, si, w, ws, count, fm.d);
                },
                [&](O *w, int64_t j, int64_t count) {
                    return si == 1 ? Dr::diff(p + j, q + j, w, count, fm.d) : 0;
                },
                0, m);
    }

    // Positions c0 .. c1-1 of a line along the axis: f and o address position 0, si and
    // so are the strides along the axis. Non-uniform: the interior weights come from `blk`
    // (covering c0 .. c1-1), or from the table when blk is null, or from the coordinates
    // when there is no table either.
    void inner(const T *f, int64_t si, O *o, int64_t so, int64_t c0, int64_t c1, bool streaming,
               const Weights *blk = nullptr) const {
        with_interior(f, si, blk, [&](auto &&fill, auto &&direct) {
            along(f, si, o, so, c0, c1, streaming, fill, direct);
        });
    }

    // Positions i .. i+count-1 of a unit-stride line into w (no streaming), as inner().
    void segment(const T *f, O *w, int64_t i, int64_t count, const Weights *blk) const {
        with_interior(f, 1, blk, [&](auto &&fill, auto &&) { line(f, 1, w, 1, i, count, fill); });
    }

    // use(fill, direct) with the interior formulas of a line along the axis (as inner()),
    // by position: fill(w, ws, i, count) and a direct loop direct(w, i, count).
    template <class U> void with_interior(const T *f, int64_t si, const Weights *blk, U &&use) const {
        if (uniform)
            use([&](O *w, int64_t ws, int64_t i, int64_t count) { diff_interior(f, si, w, ws, i, count); },
                [&](O *w, int64_t i, int64_t count) {
                    return si == 1 ? Dr::diff(f + i + 1, f + i - 1, w, count, interior) : 0;
                });
        else if (!blk && !a) // no table: the weights on the fly
            use(
                [&](O *w, int64_t ws, int64_t i, int64_t count) {
                    Rw::sum3_coords(f + (i - 1) * si, si, w, ws, count, x + (i - 1));
                },
                [&](O *w, int64_t i, int64_t count) {
                    return si == 1 ? Dr::sum3_coords(f + i - 1, w, count, x + (i - 1)) : 0;
                });
        else {
            const Weights t = blk ? *blk : Weights{a, b, c, 0}; // t.a[i - t.base]: position i
            use(
                [&](O *w, int64_t ws, int64_t i, int64_t count) {
                    const int64_t k = i - t.base;
                    Rw::sum3_table(f + (i - 1) * si, si, w, ws, count, t.a + k, t.b + k, t.c + k);
                },
                [&](O *w, int64_t i, int64_t count) {
                    const int64_t k = i - t.base;
                    return si == 1 ? Dr::sum3_table(f + i - 1, w, count, t.a + k, t.b + k, t.c + k) : 0;
                });
        }
    }

    // The uniform interior positions i .. i+count-1 of a line along the axis into w.
    void diff_interior(const T *f, int64_t si, O *w, int64_t ws, int64_t i, int64_t count) const {
        Rw::diff(f + (i + 1) * si, f + (i - 1) * si, si, w, ws, count, interior);
    }

    // Positions i .. i+count-1 of a line along the axis into w (stride ws): the boundary
    // formulas at 0 and n-1, the interior ones `fill(w, ws, i, count)` (by position).
    template <class F>
    void line(const T *f, int64_t si, O *w, int64_t ws, int64_t i, int64_t count, F &&fill) const {
        const int64_t first = i, end = i + count;
        if (i == 0) {
            if (edge_order == 1)
                Rw::diff(f + si, f, si, w, ws, 1, left1);
            else
                Rw::sum3(f, f + si, f + 2 * si, si, w, ws, 1, left2[0], left2[1], left2[2]);
            ++i;
        }
        const int64_t interior_end = std::min<int64_t>(end, n - 1);
        if (i < interior_end)
            fill(w + (i - first) * ws, ws, i, interior_end - i);
        if (end == n) {
            O *last = w + (n - 1 - first) * ws;
            if (edge_order == 1)
                Rw::diff(f + (n - 1) * si, f + (n - 2) * si, si, last, ws, 1, right1);
            else
                Rw::sum3(f + (n - 3) * si, f + (n - 2) * si, f + (n - 1) * si, si, last, ws, 1, right2[0],
                         right2[1], right2[2]);
        }
    }

    // inner() for interior formulas `fill` and `direct` (by position): one emit for the
    // whole segment, the boundary positions included (a row's ends and the elements
    // before the direct loop's first whole cache line: ordinary stores).
    template <class F, class D>
    void along(const T *f, int64_t si, O *o, int64_t so, int64_t c0, int64_t c1, bool streaming,
               F &&fill, D &&direct) const {
        const int64_t lo = std::max<int64_t>(c0, 1), hi = std::min<int64_t>(c1, n - 1);
        emit(
            o + c0 * so, so, c1 - c0, streaming,
            [&](O *w, int64_t ws, int64_t j, int64_t count) { line(f, si, w, ws, c0 + j, count, fill); },
            [&](O *w, int64_t j, int64_t count) { return direct(w, c0 + j, count); }, lo - c0, hi - c0);
    }
};

// Both arithmetic types of an axis (uniform spacing: the input's precision; coordinates:
// double), the one in use chosen by `uniform`.
template <class T, class O> struct Kernels {
    using Nat = AxisKernel<T, O, typename Natural<T>::type>;
    using Wid = AxisKernel<T, O, typename Wide<T>::type>;
    Nat nat;
    Wid wide;
    bool uniform = true;

    void init(const Stencil &s, int order) {
        uniform = s.uniform;
        if (uniform)
            nat.init(s, order);
        else
            wide.init(s, order);
    }
    void outer(const T *f, int64_t sa, int64_t si, O *o, int64_t so, int64_t m, int64_t i,
               bool streaming) const {
        if (uniform)
            nat.outer(f, sa, si, o, so, m, i, streaming);
        else
            wide.outer(f, sa, si, o, so, m, i, streaming);
    }
    void inner(const T *f, int64_t si, O *o, int64_t so, int64_t c0, int64_t c1, bool streaming,
               const Weights *blk = nullptr) const {
        if (uniform)
            nat.inner(f, si, o, so, c0, c1, streaming);
        else
            wide.inner(f, si, o, so, c0, c1, streaming, blk);
    }
};

// ------------------------------------------------------------------------ the fused pass
// A dim of the iteration: extent, input stride, the output that differentiates it (or
// -1) and every output's stride.
struct Dim {
    int64_t n, si;
    int out;
    int64_t so[NG_MAX_NDIM];
};

struct Layout {
    int r = 0;          // dims, outermost first; d[r-1] is the row dim
    Dim d[NG_MAX_NDIM];
};

// Orders the dims by input stride and merges what can be merged.
void make_layout(const Request &rq, Layout &L) {
    int out_of[NG_MAX_NDIM];
    std::fill(out_of, out_of + rq.ndim, -1);
    for (int i = 0; i < rq.k; ++i)
        out_of[rq.axes[i].dim] = i;
    Dim dims[NG_MAX_NDIM];
    int m = 0;
    for (int j = 0; j < rq.ndim; ++j) {
        if (rq.shape[j] == 1 && out_of[j] < 0)
            continue;
        Dim &d = dims[m++];
        d.n = rq.shape[j], d.si = rq.in_strides[j], d.out = out_of[j];
        for (int i = 0; i < rq.k; ++i)
            d.so[i] = rq.out_strides[i][j];
    }
    // Outermost first: the largest input strides; zero strides (a broadcast input) outside.
    auto key = [](const Dim &d) { return d.si == 0 ? INT64_MAX : std::abs(d.si); };
    std::stable_sort(dims, dims + m, [&](const Dim &x, const Dim &y) { return key(x) > key(y); });
    // Merge an undifferentiated dim into the undifferentiated dim inside it when the input
    // and every output step across both as one.
    Dim merged[NG_MAX_NDIM];
    int nm = 0; // merged[0] is the innermost
    for (int q = m - 1; q >= 0; --q) {
        const Dim &o = dims[q];
        if (nm > 0) {
            Dim &in = merged[nm - 1];
            bool can = o.out < 0 && in.out < 0 && o.si == in.si * in.n;
            for (int i = 0; i < rq.k && can; ++i)
                can = o.so[i] == in.so[i] * in.n;
            if (can) {
                in.n *= o.n;
                continue;
            }
        }
        merged[nm++] = o;
    }
    L.r = nm;
    for (int q = 0; q < nm; ++q)
        L.d[q] = merged[nm - 1 - q];
}

// Tile sizes: W columns per row segment, B rows of the dim outside the row dim per tile.
void tile_sizes(const Layout &L, int64_t es, int64_t &W, int64_t &B) {
    const int r = L.r;
    const int64_t X = L.d[r - 1].n, Y = r >= 2 ? L.d[r - 2].n : 1;
    if (r == 1) { // one row: segments only bound the weights scratch (L1-sized)
        W = std::min<int64_t>(X, segment_1d);
        B = 1;
        return;
    }
    if (r == 2) {
        W = std::min(X, std::max<int64_t>(min_row, segment_bytes_2d / es));
        B = Y;
        return;
    }
    W = std::min(X, std::max<int64_t>(min_row, segment_bytes_nd / es));
    B = std::max<int64_t>(2, tile_bytes / (3 * W * es) - 2);
    const int64_t blocks = (Y + B - 1) / B;
    B = (Y + blocks - 1) / blocks; // equal blocks
}

// The row axis's weights table (Fused::run) holds W columns and weights_pad more: after
// column X-1 the first columns again, for lockstep vectors across two rows.
constexpr int64_t weights_pad = 8;
constexpr int64_t weights_stride(int64_t W) { return W + weights_pad; }

template <class T, class O> struct Fused {
    const Layout &L;
    const T *in;
    int k;
    O *out[NG_MAX_NDIM];
    Kernels<T, O> kern[NG_MAX_NDIM];
    int axis[NG_MAX_NDIM];    // index in L.d of each output's axis
    bool streaming[NG_MAX_NDIM];
    bool populating = false; // populate_outputs()
    int64_t X = 0, Y = 0;     // row length, extent of the dim outside it
    int64_t W, B;             // tile sizes (tile_sizes)
    int64_t group;            // rows per call of rows(): per output run, or lockstep's
    int r;
    // The output along the row dim when its weights are computed per column block (-1:
    // none), its coordinates, and 3 * weights_stride(W) doubles of scratch per thread for them.
    int blocked = -1;
    const double *x = nullptr;
    double *scratch = nullptr;
    // Rows in lockstep (lockstep_rows): float32 or float64 in and out, 2 or 3 outputs (all
    // streamed, or all in cache), unit-stride rows, AVX2, and every axis with a uniform spacing (differences
    // in the input's precision) or every axis with coordinates (weighted sums in float64).
    static constexpr bool lockstep_types =
        std::is_same<T, O>::value && (std::is_same<T, double>::value || std::is_same<T, float>::value);
    enum class Lockstep { none, diffs, sums };
    Lockstep lockstep = Lockstep::none;
    bool divides = false; // some difference divides (not by a power of two): see Packed512Double

    Fused(const Request &rq, const Layout &layout, const Stencil *stencils, int64_t width,
          int64_t block, double *weights)
        : L(layout), in(static_cast<const T *>(rq.in)), k(rq.k), W(width), B(block),
          r(layout.r), scratch(weights) {
        X = L.d[r - 1].n;
        Y = r >= 2 ? L.d[r - 2].n : 1;
        group = std::max<int64_t>(1, run_bytes / (W * int64_t(sizeof(O))));
        const bool stream = rq.size * int64_t(sizeof(O)) * rq.k >= streaming_min_bytes;
        populating = rq.size * int64_t(sizeof(O)) * rq.k >= populate_min_bytes;
        for (int i = 0; i < k; ++i) {
            out[i] = static_cast<O *>(rq.out[i]);
            kern[i].init(stencils[i], rq.edge_order);
            for (int q = 0; q < r; ++q)
                if (L.d[q].out == i)
                    axis[i] = q;
            streaming[i] = stream && L.d[r - 1].so[i] == 1;
            if (!stencils[i].uniform && !stencils[i].a && r >= 2)
                blocked = i, x = stencils[i].x;
        }
#if NG_AVX2
        if constexpr (lockstep_types) {
            bool can = have_avx2() && (k == 2 || k == 3) && L.d[r - 1].si == 1;
            int uniform = 0;
            for (int i = 0; i < k; ++i)
                can = can && L.d[r - 1].so[i] == 1, uniform += kern[i].uniform,
                divides = divides || !kern[i].nat.interior.by_inverse;
            if (can && uniform == k)
                lockstep = Lockstep::diffs;
            else if (can && uniform == 0)
                lockstep = Lockstep::sums;
        }
#endif
        if (lockstep != Lockstep::none) // no runs to keep short: a tile's rows in one go, one stretch where they allow
            group = B;
    }

    // Rows y .. y+count-1 of the dim of Y (index pos[q] of every other dim q < r-1),
    // columns c0 .. c1-1: fi and fo address row y. In lockstep where it applies, else
    // output by output.
    void rows(int64_t fi, const int64_t *fo, int64_t *pos, int64_t y, int64_t count, int64_t c0,
              int64_t c1, const Weights *blk) const {
        if (lockstep == Lockstep::none)
            return each_output(fi, fo, pos, y, count, c0, c1, blk);
        const int ny = r - 2; // lockstep has 2 or 3 outputs, so r >= 2
        for (int64_t g = 0; g < count;) {
            pos[ny] = y + g;
            int64_t row[NG_MAX_NDIM];
            O *o[NG_MAX_NDIM];
            for (int i = 0; i < k; ++i)
                row[i] = fo[i] + g * L.d[ny].so[i], o[i] = out[i] + row[i];
            const int64_t done = lockstep_rows(in + fi + g * L.d[ny].si, o, pos, y + g, count - g, c0, c1, blk);
            if (done == 0)
                each_output(fi + g * L.d[ny].si, row, pos, y + g, 1, c0, c1, blk);
            g += std::max<int64_t>(done, 1);
        }
    }

    // Rows y .. in lockstep: f and o[i] address column 0 of row y in the input and in
    // output i. Returns the rows written, or 0, having written nothing, where row y takes
    // the per-output path.
    int64_t lockstep_rows(const T *f, O *const *o, const int64_t *pos, int64_t y, int64_t count, int64_t c0,
                          int64_t c1, const Weights *blk) const {
#if NG_AVX2
        if constexpr (lockstep_types) {
            constexpr bool single = std::is_same<T, float>::value;
            if (lockstep == Lockstep::diffs) {
#if NG_AVX512
                if constexpr (single) {
                    if (wide_lockstep())
                        return stores<Packed512Float, false>(f, o, pos, y, count, c0, c1, blk);
                } else if ((divides && have_avx512()) || wide_lockstep()) { // see Packed512Double
                    return stores<Packed512Double, false>(f, o, pos, y, count, c0, c1, blk);
                }
#endif
                return stores<Packed<T>, false>(f, o, pos, y, count, c0, c1, blk);
            }
#if NG_AVX512
            if constexpr (single) { // see Packed512FloatInDouble
                if (have_avx512())
                    return stores<Packed512FloatInDouble, true>(f, o, pos, y, count, c0, c1, blk);
            } else if (wide_lockstep()) {
                return stores<Packed512Double, true>(f, o, pos, y, count, c0, c1, blk);
            }
#endif
            using Wide = typename std::conditional<single, PackedFloatInDouble, PackedDouble>::type;
            return stores<Wide, true>(f, o, pos, y, count, c0, c1, blk);
        }
#endif
        (void)f, (void)o, (void)pos, (void)y, (void)count, (void)c0, (void)c1, (void)blk;
        return 0;
    }

#if NG_AVX2
    // stretch() with P's streaming stores, or with ordinary ones (InCache<P>): lockstep's
    // outputs all have unit-stride rows, so all are streamed or none.
    template <class P, bool Weighted>
    int64_t stores(const T *f, O *const *o, const int64_t *pos, int64_t y, int64_t count, int64_t c0,
                   int64_t c1, const Weights *blk) const {
        if (!streaming[0])
            return stretch<InCache<P>, Weighted>(f, o, pos, y, count, c0, c1, blk);
        if constexpr (P::shift_row) // (512-bit vectors: see Delayed)
            if (delayed(f, o, P::n * int64_t(sizeof(T)) * Delayed<P>::delay))
                return stretch<Delayed<P>, Weighted>(f, o, pos, y, count, c0, c1, blk);
        return stretch<P, Weighted>(f, o, pos, y, count, c0, c1, blk);
    }

    // Whether some output lies 1 to `bytes` bytes further into its 4 KiB page than the
    // input at the same element (f and o: column 0 of a row).
    bool delayed(const T *f, O *const *o, int64_t bytes) const {
        for (int i = 0; i < std::min(k, 3); ++i) {
            const int64_t ahead = int64_t((reinterpret_cast<uintptr_t>(o[i]) - reinterpret_cast<uintptr_t>(f)) & 4095);
            if (ahead > 0 && ahead <= bytes)
                return true;
        }
        return false;
    }

    // lockstep_rows with vectors P, differences (every outer axis's formula at these rows
    // a difference) or weighted sums (Weighted: every one a weighted sum). As
    // many of the `count` rows as are whole, adjacent in the input and every output, and
    // computed with one formula by every outer axis are one stretch (weights may differ
    // per row); the row dim's boundary columns inside it are the loop's seams. The
    // stretch's ends and the columns before the outputs' vector alignment take ordinary
    // stores, output by output (a row each cost a quarter of a 256^3 pass). Row y
    // takes the per-output path (returns 0) for the other formulas, weighted sums into
    // outputs at different alignments, a short row. Differences into outputs at different
    // alignments shift each lane to its own (256^3 float64, outputs 16, 32 and 48 bytes
    // into a line: 49 -> 20 ms on 1 thread, A/B).
    template <class P, bool Weighted>
    int64_t stretch(const T *f, O *const *o, const int64_t *pos, int64_t y, int64_t count, int64_t c0,
                    int64_t c1, const Weights *blk) const {
        constexpr int64_t V = P::n, bytes = P::n * int64_t(sizeof(T)); // a vector's elements, bytes
        using A = typename std::conditional<Weighted, double, T>::type; // the arithmetic
        const auto axis_kernel = [&](int i) -> const AxisKernel<T, O, A> & {
            if constexpr (Weighted)
                return kern[i].wide;
            else
                return kern[i].nat;
        };
        const int ny = r - 2, K = std::min(k, 3); // K == k: lockstep has 2 or 3 outputs
        bool adjacent = c0 == 0 && c1 == X && L.d[ny].si == X;
        for (int i = 0; i < K; ++i)
            adjacent = adjacent && L.d[ny].so[i] == X;
        int64_t rows = adjacent ? count : 1;
        // The lanes: the outputs, the row dim's last (its weights: a table), each from column c0.
        int out_of[3], K_outer = 0, row_output = -1;
        for (int i = 0; i < K; ++i)
            if (axis[i] == r - 1)
                row_output = i;
            else
                out_of[K_outer++] = i;
        if (row_output >= 0)
            out_of[K_outer] = row_output;
        Lane<T> lane[3];
        const T *f0 = f + c0;
        for (int l = 0; l < K_outer; ++l) {
            const int i = out_of[l];
            const auto fm = axis_kernel(i).outer_formula(L.d[axis[i]].si, pos[axis[i]]);
            if (fm.weighted != Weighted || (Weighted && fm.q != 0)) // Sums: around the centre
                return 0;
            rows = std::min(rows, same_formula(i, y, rows, Weighted));
            lane[l] = Lane<T>{f0 + fm.p, f0 + fm.q, f0 + fm.r, o[i] + c0, {}};
            if constexpr (Weighted) {
                axis_kernel(i).outer_weights(pos[axis[i]], lane[l].a, lane[l].b, lane[l].c);
                if (axis[i] == ny) // stretch column X: row 1's column 0 (c0 is 0 when rows > 1)
                    lane[l].step = 1, lane[l].row_at = X, lane[l].period = X;
            } else {
                lane[l].d = fm.d;
            }
        }
        // The row dim's values at the seams (rows > 1): row g's column 0 at 2g, its column
        // X-1 at 2g + 1, each column's boundary formula across the rows in one strided call
        // (one call per seam, with a division to find its row, cost float32 256^3 2-4 %).
        constexpr int64_t seam_rows = 256;
        O seam_values[2 * seam_rows];
        if (row_output >= 0) {
            rows = std::min(rows, seam_rows);
            if (rows > 1)
                for (const int64_t col : {int64_t(0), X - 1})
                    axis_kernel(row_output).outer(f + col, 1, X, seam_values + (col ? 1 : 0), 2, rows, col, false);
            Lane<T> &row = lane[K_outer];
            if constexpr (Weighted) // table: column c0 + t at t (blk: from column c0), and after X-1, 0 again
                row = Lane<T>{f0 - 1, f0, f0 + 1, o[row_output] + c0, {}, blk->a, blk->b, blk->c,
                              0, 0, rows > 1 ? X : INT64_MAX};
            else
                row = Lane<T>{f0 + 1, f0 - 1, nullptr, o[row_output] + c0, axis_kernel(row_output).interior};
        }
        // the stretch: m columns from column c0 of row y
        const int64_t m = rows == 1 ? c1 - c0 : rows * X;
        const int64_t lo = row_output >= 0 && c0 == 0 ? 1 : 0;
        const int64_t hi = row_output >= 0 && c1 == X ? m - 1 : m;
        if (hi - lo < 2 * V)
            return 0;
        // Lane l's loop covers columns begin[l] .. begin[l]+n-1, begin[l] where its output
        // is aligned: each lane on its own (the row lane's seams at its own columns), so
        // outputs at different alignments (a stacked buffer of an odd size) stay in lockstep.
        int64_t begin[3] = {lo + elements_before<bytes>(lane[0].w + lo, hi - lo)}, last = begin[0];
        bool shared = true; // weighted sums: every lane at the same columns, sharing the centre
        for (int l = 1; l < K; ++l) {
            const int64_t shift = elements_before<bytes>(lane[l].w + begin[0], V);
            if (shift == V)
                return 0; // not on a whole element
            begin[l] = begin[0] + shift, last = std::max(last, begin[l]), shared = shared && shift == 0;
        }
        const int64_t n = std::max<int64_t>(0, hi - last) / V * V;
        if (n == 0)
            return 0;
        // where the seams' lane starts; its ends (ordinary stores) must stay within a row
        const int64_t seams_from = row_output >= 0 ? begin[K_outer] : begin[0];
        if (row_output >= 0 && rows > 1 && (seams_from > X || m - (seams_from + n) > X))
            return 0;
        // Lane l's columns t .. t+count_-1 of the stretch (one row's) into w.
        const auto values = [&](int l, int64_t t, int64_t count_, O *w) {
            const int64_t g = (c0 + t) / X; // the row
            const Lane<T> &ln = lane[l];
            if (l == K_outer) // the row dim's output
                axis_kernel(row_output).segment(f + g * X, w, c0 + t - g * X, count_, blk);
            else if constexpr (Weighted)
                Rows<T, O, A>::sum3(ln.p + t, ln.q + t, ln.r + t, 1, w, 1, count_, ln.a[g * ln.step],
                                    ln.b[g * ln.step], ln.c[g * ln.step]);
            else
                Rows<T, O, A>::diff(ln.p + t, ln.q + t, 1, w, 1, count_, ln.d);
        };
        const auto ends = [&](int l, int64_t a, int64_t b) { // ordinary stores, as in emit()
            if (a < b)
                values(l, a, b - a, lane[l].w + a);
        };
        // Lane l starts at column begin[l]; `ahead` is the operand farthest ahead
        // along an outer axis (the next plane).
        Lane<T> from[3];
        const T *ahead = nullptr;
        int64_t reach = 0;
        for (int l = 0; l < K; ++l) {
            ends(l, 0, begin[l]);
            from[l] = lane[l].from(begin[l]);
            if (l == K_outer)
                continue;
            const int64_t sign = L.d[axis[out_of[l]]].si < 0 ? -1 : 1;
            for (const T *at : {lane[l].p, lane[l].q, lane[l].r})
                if (at && (at - f0) * sign > reach)
                    reach = (at - f0) * sign, ahead = at + begin[l];
        }
        if (!ahead)
            ahead = from[0].p;
        Seams seams; // the first: row 0's column X-1, from the seams' lane's start
        if (rows > 1 && row_output >= 0)
            seams = Seams{K_outer, X - 1 - seams_from, X, 1};
        const auto edge = [&](int64_t s) { return seam_values[s]; };
        if constexpr (Weighted) {
#if NG_AVX512
            if constexpr (sizeof(typename P::V) == 64)
                avx512::sums_loop<P>(K, row_output >= 0, shared, from, n, ahead, seams, edge);
            else
#endif
                avx2::sums_loop<P>(K, row_output >= 0, shared, from, n, ahead, seams, edge);
        } else {
#if NG_AVX512
            if constexpr (sizeof(typename P::V) == 64)
                avx512::diffs_loop<P>(K, row_output >= 0, from, n, ahead, seams, edge);
            else
#endif
                avx2::diffs_loop<P>(K, row_output >= 0, from, n, ahead, seams, edge);
        }
        for (int l = 0; l < K; ++l)
            ends(l, begin[l] + n, m);
        return rows;
    }
#endif

    // rows() output by output, so each output gets `count` consecutive row segments in
    // one run.
    void each_output(int64_t fi, const int64_t *fo, int64_t *pos, int64_t y, int64_t count, int64_t c0,
                     int64_t c1, const Weights *blk) const {
        const Dim &rowdim = L.d[r - 1];
        const int64_t si = rowdim.si;
        const int ny = r - 2;
        const int64_t sy = r >= 2 ? L.d[ny].si : 0;
        for (int i = 0; i < k; ++i) {
            const int64_t so = rowdim.so[i], soy = r >= 2 ? L.d[ny].so[i] : 0;
            const int q = axis[i];
            // Whole rows that follow each other in the input and in this output.
            const bool adjacent = c0 == 0 && c1 == X && sy == X * si && soy == X * so;
            for (int64_t g = 0; g < count;) {
                if (r >= 2)
                    pos[ny] = y + g;
                const T *f = in + fi + g * sy;
                O *o = out[i] + fo[i] + g * soy;
                if (q == r - 1) {
                    kern[i].inner(f, si, o, so, c0, c1, streaming[i], blk);
                    ++g;
                    continue;
                }
                const int64_t rows = adjacent ? same_formula(i, y + g, count - g) : 1;
                kern[i].outer(f + c0 * si, L.d[q].si, si, o + c0 * so, so, (c1 - c0) * rows, pos[q],
                              streaming[i]);
                g += rows;
            }
        }
    }

    // How many of the `count` rows from row y of the dim of Y output i computes with one
    // formula (at least 1): adjacent ones are then one row, one call. Along another axis,
    // all of them (one position); along this dim, its interior positions with a uniform
    // spacing, or with coordinates when the caller takes weights per row.
    int64_t same_formula(int i, int64_t y, int64_t count, bool weights_per_row = false) const {
        if (axis[i] != r - 2)
            return count;
        if ((kern[i].uniform || weights_per_row) && y > 0 && y < Y - 1)
            return std::min(count, Y - 1 - y);
        return 1;
    }

    // Thread t: rows ra .. rb-1 (flat over the dims outside the row dim, in memory order),
    // columns ca .. cb-1, in tiles.
    void run(int64_t t, int64_t ra, int64_t rb, int64_t ca, int64_t cb) const {
        const int ny = r - 2; // the dim of Y, when r >= 2
        const int64_t sy = r >= 2 ? L.d[ny].si : 0;
        int64_t pos[NG_MAX_NDIM] = {}, fo[NG_MAX_NDIM];
        Weights blk{nullptr, nullptr, nullptr, 0}, *wp = nullptr;
        for (int64_t cs = ca; cs < cb; cs += W) {
            const int64_t ce = std::min(cb, cs + W);
            if (blocked >= 0) { // the row axis's interior weights for these columns
                const int64_t S = weights_stride(W);
                double *a = scratch + t * 3 * S, *b = a + S, *c = b + S;
                std::fill(a, a + 3 * S, 0.0); // the boundary columns' (unused)
                const int64_t lo = std::max<int64_t>(cs, 1), hi = std::min<int64_t>(ce, X - 1);
                if (lo < hi)
                    weights_block(x, lo, hi, a + (lo - cs), b + (lo - cs), c + (lo - cs));
                if (cs == 0 && ce == X) // whole rows: the table repeats (lockstep's vectors across rows)
                    for (double *w : {a, b, c})
                        std::copy(w, w + weights_pad, w + X);
                blk = Weights{a, b, c, cs};
                wp = &blk;
            }
            for (int64_t ys = 0; ys < Y; ys += B) {
                const int64_t ye = std::min(Y, ys + B);
                for (int64_t o = ra / Y; o <= (rb - 1) / Y; ++o) {
                    const int64_t lo = std::max(ys, ra - o * Y), hi = std::min(ye, rb - o * Y);
                    if (lo >= hi)
                        continue;
                    // The multi-index of o over the dims outside Y (the last one fastest).
                    int64_t rest = o, fi = 0;
                    std::fill(fo, fo + k, 0);
                    for (int q = r - 3; q >= 0; --q) {
                        const int64_t idx = rest % L.d[q].n;
                        rest /= L.d[q].n;
                        pos[q] = idx;
                        fi += idx * L.d[q].si;
                        for (int i = 0; i < k; ++i)
                            fo[i] += idx * L.d[q].so[i];
                    }
                    if (r >= 2) {
                        fi += lo * sy;
                        for (int i = 0; i < k; ++i)
                            fo[i] += lo * L.d[ny].so[i];
                    }
                    for (int64_t y = lo; y < hi; y += group) {
                        const int64_t count = std::min(group, hi - y);
                        rows(fi, fo, pos, y, count, cs, ce, wp);
                        fi += count * sy;
                        if (r >= 2)
                            for (int i = 0; i < k; ++i)
                                fo[i] += count * L.d[ny].so[i];
                    }
                }
            }
        }
    }

    // Contiguous row ranges per thread; a single row (1-D) or too few rows split the
    // columns instead.
    static bool by_rows(int64_t rows, int threads) { return rows >= 2 * int64_t(threads); }

    void parallel(int threads) const {
        const int64_t rows = row_count(L);
        const bool split_rows = by_rows(rows, threads);
        [[maybe_unused]] const int nt = int(std::min<int64_t>(threads, split_rows ? rows : X));
        NG_PRAGMA(omp parallel num_threads(nt) if (nt > 1))
        {
            int64_t t = 0, team = 1;
#if defined(_OPENMP)
            t = omp_get_thread_num(), team = omp_get_num_threads();
#endif
            const int64_t ra = split_rows ? rows * t / team : 0;
            const int64_t rb = split_rows ? rows * (t + 1) / team : rows;
            const int64_t ca = split_rows ? 0 : X * t / team;
            const int64_t cb = split_rows ? X : X * (t + 1) / team;
            if (ra < rb && ca < cb)
                populate_outputs(ra, rb, ca, cb);
            run(t, ra, rb, ca, cb);
            streaming_fence();
        }
    }

    // populate() the span of every output that rows ra .. rb-1, columns ca .. cb-1 write,
    // when that span is contiguous: the output's dims nested in the walk's order (offsets
    // growing with the row index), as for outputs in the input's layout. Only for outputs
    // of populate_min_bytes or more in all.
    void populate_outputs(int64_t ra, int64_t rb, int64_t ca, int64_t cb) const {
        if (!populating)
            return;
        for (int i = 0; i < k; ++i) {
            bool nested = true;
            for (int q = 0; q + 1 < r; ++q)
                nested = nested && L.d[q].so[i] >= L.d[q + 1].so[i] * L.d[q + 1].n;
            if (!nested)
                continue;
            populate(out[i] + row_offset(i, ra) + ca, out[i] + row_offset(i, rb - 1) + cb);
        }
    }

    // The offset in output i of row `row` (flat over the dims outside the row dim).
    int64_t row_offset(int i, int64_t row) const {
        int64_t off = 0;
        for (int q = r - 2; q >= 0; --q) {
            off += row % L.d[q].n * L.d[q].so[i];
            row /= L.d[q].n;
        }
        return off;
    }

    static int64_t row_count(const Layout &L) {
        int64_t c = 1;
        for (int q = 0; q < L.r - 1; ++q)
            c *= L.d[q].n;
        return c;
    }
};

// ------------------------------------------------------------------------ per axis
// For rows shorter than min_row: each axis on its own. The other dims are merged where
// the input and the output are both contiguous across them, then the axis runs either in
// row mode (another dim is more contiguous than the axis: every position along the axis
// is a row of elements) or in line mode (each line along the axis is one loop).
struct Loop {
    int64_t n, si, so;
};

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

template <class T, class O>
void per_axis(const Request &rq, int i, const Stencil &s, int threads) {
    const int axis = rq.axes[i].dim;
    Kernels<T, O> kern;
    kern.init(s, rq.edge_order);
    const int64_t sa = rq.in_strides[axis], soa = rq.out_strides[i][axis];
    const T *in = static_cast<const T *>(rq.in);
    O *out = static_cast<O *>(rq.out[i]);
    Loop loops[NG_MAX_NDIM];
    const int nl = other_loops(rq, i, loops);
    const int64_t n = s.n;

    if (nl > 0 && std::abs(loops[0].si) < std::abs(sa)) {
        // Row mode: rows across loops[0], one per (outer index, position along the axis).
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
            const int64_t p = r % n;
            kern.outer(in + fi + p * sa, sa, loops[0].si, out + fo + p * soa, loops[0].so,
                       loops[0].n, p, false);
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
        kern.inner(in + fi, sa, out + fo, soa, 0, n, false);
    }
}

} // namespace

int32_t compute_standard(const Request &rq) {
    if (rq.size == 0 || rq.k == 0)
        return NG_OK;
    const int threads = thread_count(rq.threads, rq.size);
    Layout layout;
    make_layout(rq, layout);
    const int r = layout.r;
    const bool fused = r >= 1 && layout.d[r - 1].n >= min_row;
    // The fused pass computes the weights of a non-uniform row axis per column block, or
    // on the fly for a single row (a whole table would be 3 doubles per sample of a
    // possibly huge row); every other non-uniform axis gets its table. All memory first:
    // a failure precedes every write.
    const int row_axis = fused ? layout.d[r - 1].out : -1;
    int64_t W = 0, B = 0;
    if (fused)
        tile_sizes(layout, std::max(dtype_info(rq.dtype)->size, dtype_info(rq.out_dtype)->size), W, B);
    Stencil stencils[NG_MAX_NDIM];
    std::vector<double> tables[NG_MAX_NDIM], scratch;
    try {
        for (int i = 0; i < rq.k; ++i) {
            const Axis &axis = rq.axes[i];
            Stencil &s = stencils[i];
            s = Stencil{axis.uniform, axis.h, axis.n, nullptr, nullptr, nullptr, nullptr,
                        {0, 0, 0}, {0, 0, 0}, 0.0, 0.0};
            if (axis.uniform)
                continue;
            if (i == row_axis) { // several rows: weights per column block; one row: on the fly
                if (r >= 2)
                    scratch.resize(size_t(threads) * 3 * size_t(weights_stride(W)));
                make_stencil(axis.x, axis.n, rq.edge_order, nullptr, s);
            } else {
                tables[i].resize(size_t(3 * axis.n));
                make_stencil(axis.x, axis.n, rq.edge_order, tables[i].data(), s);
            }
        }
    } catch (const std::bad_alloc &) {
        return NG_ERR_NO_MEMORY;
    } catch (const std::length_error &) { // more than a vector can hold
        return NG_ERR_NO_MEMORY;
    }
    with_types(rq.dtype, [&](auto types) {
        using T = typename decltype(types)::T;
        using O = typename decltype(types)::O;
        if (fused) {
            const Fused<T, O> pass(rq, layout, stencils, W, B, scratch.data());
            pass.parallel(threads);
        } else {
            for (int i = 0; i < rq.k; ++i)
                per_axis<T, O>(rq, i, stencils[i], threads);
        }
    });
    return NG_OK;
}

} // namespace ng
