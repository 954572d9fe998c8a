"""Comparison helpers: numgrad's results against numpy.gradient, bit for bit.

Every expected value in these tests comes from numpy (or torch, or a hand-written
table), never from numgrad.
"""

import warnings

import numpy as np


def numpy_gradient(f, *varargs, **kwargs):
    """numpy.gradient, quiet about the inf/nan it produces, results as a list."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = np.gradient(f, *varargs, **kwargs)
    return list(r) if isinstance(r, (list, tuple)) else [r]  # numpy 2 returns a tuple


def _uniform(x):
    """numpy.gradient's test for coordinates it treats as a scalar spacing."""
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.float64)
    d = np.diff(x)
    return bool((d == d[0]).all())


def reference(f, *varargs, axis=None, edge_order=1):
    """The result SEMANTICS.md specifies, computed by numpy.gradient.

    float64, complex128 and integer inputs: numpy.gradient itself. float32 and
    complex64 (and float16, computed in float32) need two corrections, because numpy
    1.24's precision there depends on how numpy happens to index:

    - non-uniform coordinates: SEMANTICS says float64 arithmetic rounded once. numpy
      1.24 does that in the interior (its coefficients are float64 arrays) but at the
      edges its coefficients are float64 0-d scalars, which value-based casting demotes
      to float32, so numpy's edges are float32 arithmetic. The reference for such an
      axis is numpy on the input widened to float64/complex128 (exact), rounded once.
    - 1-D input: numpy's edge values come from 0-d slices f[0], f[1], and scalar-with-
      scalar promotion makes `a * f[0]` and `(f[1] - f[0]) / h` float64 arithmetic,
      where every array of 2 or more dims gets float32 arithmetic. SEMANTICS (and
      numpy 2, NEP 50) use float32 for every rank: the reference is numpy on the data
      viewed as shape (1, n).
    """
    f = np.asarray(f)
    dt = f.dtype.newbyteorder("=")
    if dt not in (np.dtype(np.float32), np.dtype(np.complex64)):
        return numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    nd = f.ndim
    if axis is None:
        axes = list(range(nd))
    elif isinstance(axis, (tuple, list)):
        axes = list(axis)
    else:
        axes = [axis]
    if not varargs:
        spacings = [None] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacings = [varargs[0]] * len(axes)
    else:
        assert len(varargs) == len(axes)
        spacings = list(varargs)
    wide = np.complex128 if dt.kind == "c" else np.float64
    results = []
    for a, s in zip(axes, spacings):
        args = () if s is None else (s,)
        if s is not None and np.ndim(s) == 1 and not _uniform(s):
            r = numpy_gradient(f.astype(wide), *args, axis=a, edge_order=edge_order)[0]
            r = r.astype(dt)
        elif nd == 1:
            r = numpy_gradient(f[np.newaxis], *args, axis=1, edge_order=edge_order)[0][0]
        else:
            r = numpy_gradient(f, *args, axis=a, edge_order=edge_order)[0]
        results.append(r)
    return results


def reference_half(f, *varargs, **kwargs):
    """float16 input: numgrad computes in float32 and rounds once to float16."""
    with np.errstate(all="ignore"):
        return [g.astype(np.float16) for g in reference(f.astype(np.float32), *varargs, **kwargs)]


def as_list(result):
    """numgrad's result (bare array for one axis, tuple otherwise) as a list."""
    if isinstance(result, tuple):
        return list(result)
    assert isinstance(result, np.ndarray), type(result)
    return [result]


def _parts(a):
    if a.dtype.kind == "c":
        return [a.real, a.imag]
    return [a]


def mismatch(got, want):
    """None when got == want bit for bit (nan == nan, signed zeros distinguished),
    otherwise a description of the first difference."""
    if got.shape != want.shape:
        return "shape %s != %s" % (got.shape, want.shape)
    if got.dtype != want.dtype.newbyteorder("="):
        return "dtype %s != %s" % (got.dtype, want.dtype)
    for g, w in zip(_parts(got), _parts(want)):
        g = np.asarray(g, dtype=g.dtype.newbyteorder("="))
        w = np.asarray(w, dtype=w.dtype.newbyteorder("="))
        gn, wn = np.isnan(g), np.isnan(w)
        bad = (gn != wn) | (~gn & ((g != w) | (np.signbit(g) != np.signbit(w))))
        if bad.any():
            idx = tuple(int(i[0]) for i in np.nonzero(bad))
            return "at %s: got %r, numpy %r (%d elements differ)" % (
                idx, g[idx], w[idx], int(bad.sum()))
    return None


def assert_same(got_list, want_list, context=""):
    assert len(got_list) == len(want_list), "%s: %d results, numpy %d" % (
        context, len(got_list), len(want_list))
    for i, (g, w) in enumerate(zip(got_list, want_list)):
        m = mismatch(g, w)
        assert m is None, "%s: result %d: %s" % (context, i, m)
