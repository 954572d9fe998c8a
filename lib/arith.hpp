// Element types and arithmetic exactly as numpy's ufunc loops perform it, shared by the
// kernels.
#pragma once
#include <cmath>
#include <cstdint>

#include "numgrad.h"

namespace ng {

template <class R> struct Complex {
    R re, im;
};

// Arithmetic in type A.
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

// The arithmetic type: the input's own precision for uniform spacing (float32 stays
// float32), double precision for coordinates and for every integer input.
template <class T> struct Natural { using type = double; };
template <> struct Natural<float> { using type = float; };
template <> struct Natural<Complex<float>> { using type = Complex<float>; };
template <> struct Natural<Complex<double>> { using type = Complex<double>; };
template <class T> struct Wide { using type = double; };
template <> struct Wide<Complex<float>> { using type = Complex<double>; };
template <> struct Wide<Complex<double>> { using type = Complex<double>; };

// Storage types of an input dtype and its result.
template <class In, class Out> struct Types {
    using T = In;
    using O = Out;
};

// Calls f(Types<T, O>{}) for the storage types of `dtype` (a validated dtype).
template <class F> void with_types(int32_t dtype, F &&f) {
    switch (dtype) {
    case NG_FLOAT32: return f(Types<float, float>{});
    case NG_FLOAT64: return f(Types<double, double>{});
    case NG_COMPLEX64: return f(Types<Complex<float>, Complex<float>>{});
    case NG_COMPLEX128: return f(Types<Complex<double>, Complex<double>>{});
    case NG_INT8: return f(Types<int8_t, double>{});
    case NG_INT16: return f(Types<int16_t, double>{});
    case NG_INT32: return f(Types<int32_t, double>{});
    case NG_INT64: return f(Types<int64_t, double>{});
    case NG_UINT8: return f(Types<uint8_t, double>{});
    case NG_UINT16: return f(Types<uint16_t, double>{});
    case NG_UINT32: return f(Types<uint32_t, double>{});
    case NG_UINT64: return f(Types<uint64_t, double>{});
    }
}

} // namespace ng
