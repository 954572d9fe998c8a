"""numgrad.gradient: numpy.gradient's interface and numbers, computed by libnumgrad."""

import numbers
import operator

import numpy as np

from . import _lib, _options

__all__ = ["gradient"]

# numpy >= 1.25 moved AxisError to numpy.exceptions; 1.24 has it at the top level.
try:
    from numpy.exceptions import AxisError
except ImportError:  # numpy < 1.25
    AxisError = np.AxisError

# The library's dtype codes by numpy dtype (native byte order).
_CODES = {
    np.dtype(np.float32): _lib.NG_FLOAT32,
    np.dtype(np.float64): _lib.NG_FLOAT64,
    np.dtype(np.complex64): _lib.NG_COMPLEX64,
    np.dtype(np.complex128): _lib.NG_COMPLEX128,
    np.dtype(np.int8): _lib.NG_INT8,
    np.dtype(np.int16): _lib.NG_INT16,
    np.dtype(np.int32): _lib.NG_INT32,
    np.dtype(np.int64): _lib.NG_INT64,
    np.dtype(np.uint8): _lib.NG_UINT8,
    np.dtype(np.uint16): _lib.NG_UINT16,
    np.dtype(np.uint32): _lib.NG_UINT32,
    np.dtype(np.uint64): _lib.NG_UINT64,
}
_DTYPES = {code: dt for dt, code in _CODES.items()}

# The exception numpy.gradient raises for the same mistake. Statuses that numpy cannot
# produce (options, overlap, overflow) get the closest built-in.
_EXCEPTIONS = {
    _lib.NG_ERR_DIM_RANGE: AxisError,          # numpy: AxisError
    _lib.NG_ERR_DIM_REPEATED: ValueError,      # numpy: "repeated axis"
    _lib.NG_ERR_SPACING_COUNT: TypeError,      # numpy: "invalid number of arguments"
    _lib.NG_ERR_SPACING: ValueError,
    _lib.NG_ERR_COORD_LENGTH: ValueError,      # numpy: "distances must match the length"
    _lib.NG_ERR_EDGE_ORDER: ValueError,        # numpy: "'edge_order' greater than 2"
    _lib.NG_ERR_TOO_FEW_POINTS: ValueError,    # numpy: "Shape of array too small"
    _lib.NG_ERR_OUTPUT_COUNT: ValueError,
    _lib.NG_ERR_OUTPUT_SHAPE: ValueError,
    _lib.NG_ERR_OUTPUT_DTYPE: TypeError,
    _lib.NG_ERR_OVERLAP: ValueError,
    _lib.NG_ERR_OVERFLOW: ValueError,
    _lib.NG_ERR_NDIM: ValueError,
    _lib.NG_ERR_SHAPE: ValueError,
    _lib.NG_ERR_DTYPE: TypeError,
    _lib.NG_ERR_OPTIONS: ValueError,           # e.g. a negative thread count
    _lib.NG_ERR_NO_MEMORY: MemoryError,
    _lib.NG_ERR_BOUNDARY: ValueError,
    _lib.NG_ERR_ACCURACY: ValueError,
    _lib.NG_ERR_COORDINATES: ValueError,
}


def _error(status, message):
    cls = _EXCEPTIONS.get(status, RuntimeError)  # NULL_POINTER, INTERNAL: a numgrad bug
    exc = cls(message)
    exc.status = status
    exc.status_name = _lib.status_name(status)
    return exc


def _own_error(cls, message):
    """An error found by the binding itself (the library never saw the call)."""
    exc = cls(message)
    exc.status = None
    exc.status_name = None
    return exc


def _describe(a, code):
    """The library's view of ndarray `a`, or None when its strides are not whole elements."""
    isz = a.itemsize
    strides = []
    for s, n in zip(a.strides, a.shape):
        if s % isz == 0:
            strides.append(s // isz)
        elif n <= 1:
            strides.append(0)  # never stepped along
        else:
            return None
    return _lib.Array(code, a.shape, strides, a.ctypes.data, a)


def _as_int32(value, what, exc=ValueError):
    v = operator.index(value)
    if not _lib.INT32_MIN <= v <= _lib.INT32_MAX:
        raise _own_error(exc, "%s is %d, outside the range of a 32-bit integer" % (what, v))
    return v


def _edge_order(edge_order):
    try:
        v = operator.index(edge_order)
    except TypeError:
        # numpy compares edge_order with 1 and 2, so 2.0 works there: accept integral floats.
        if not isinstance(edge_order, numbers.Real):
            raise _own_error(TypeError, "edge_order must be 1 or 2, not %s"
                             % type(edge_order).__name__) from None
        if not float(edge_order).is_integer():
            raise _own_error(ValueError, "edge_order is %r; it must be 1 or 2" % (edge_order,))
        v = int(edge_order)
    if v not in (1, 2):
        # Passed through below: the library reports it (uniform message); an int32
        # out-of-range value is reported here.
        if not _lib.INT32_MIN <= v <= _lib.INT32_MAX:
            raise _own_error(ValueError, "edge_order is %d; it must be 1 or 2" % v)
    return v


def _axes(axis, ndim):
    """None, or the list of ints the library gets (range checks are the library's)."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    dims = []
    for a in items:
        a = operator.index(a)  # TypeError for floats, as numpy
        if not _lib.INT32_MIN <= a <= _lib.INT32_MAX:
            raise _own_error(AxisError, "axis %d is out of bounds for array of dimension %d"
                             % (a, ndim))
        dims.append(a)
    return dims


def _scalar_spacing(v):
    dt = np.asarray(v).dtype
    if dt.kind in "biuf" and dt.itemsize <= 8:
        return float(v)
    if dt.kind == "O" and isinstance(v, numbers.Real):  # a Python int beyond int64
        return float(v)
    if dt.kind == "c":
        raise _own_error(TypeError, "complex spacing %r is not supported: numgrad's spacings "
                         "are real" % (v,))
    raise _own_error(TypeError, "spacing %r of dtype %s is not a real number of at most 64 "
                     "bits" % (v, dt))


def _coords(v):
    a = np.asarray(v)
    if a.ndim != 1:
        raise _own_error(ValueError, "distances must be either scalars or 1d")
    if a.dtype.kind not in "iuf" or a.dtype.itemsize > 8:
        raise _own_error(TypeError, "coordinates of dtype %s are not supported: give real "
                         "numbers (they are converted to float64)" % a.dtype)
    # Integer, float16 and float32 coordinates become float64 before any difference.
    return np.ascontiguousarray(a, dtype=np.float64)


def _spacing(varargs):
    n = len(varargs)
    if n == 0:
        return []
    if n == 1 and np.ndim(varargs[0]) == 0:
        return [("scalar", _scalar_spacing(varargs[0]))]
    out = []
    for v in varargs:
        if np.ndim(v) == 0:
            out.append(("scalar", _scalar_spacing(v)))
        else:
            out.append(("coords", _coords(v)))
    return out


def _input(f):
    """(array the library reads, its dtype code, result dtype, float16 flag)."""
    if isinstance(f, np.ma.MaskedArray):
        raise _own_error(TypeError, "masked arrays are not supported: numgrad.gradient "
                         "ignores no mask; pass f.filled(...) or use numpy.gradient")
    dt = f.dtype
    if dt.kind == "b":
        raise _own_error(TypeError, "boolean input is not supported: the difference of two "
                         "booleans is undefined (numpy.gradient raises too); convert it with "
                         "f.astype(int) or f.astype(float)")
    half = dt.kind == "f" and dt.itemsize == 2
    native = dt.newbyteorder("=") if not dt.isnative else dt
    if half:
        a = f.astype(np.float32)  # float16 is computed in float32 (a documented copy)
    elif native in _CODES:
        a = f
        if not dt.isnative or not f.flags.aligned:
            a = f.astype(native)  # byte-swapped or misaligned: one copy
    else:
        raise _own_error(TypeError, "numgrad.gradient does not support dtype %s: it computes "
                         "float16/32/64, complex64/128 and 8..64-bit integers; use "
                         "numpy.gradient for others" % dt)
    code = _CODES[a.dtype]
    result = np.dtype(np.float16) if half else _DTYPES[_lib.ng_result_dtype(code)]
    return a, code, result, half


def _outputs(out, f, k, result, shape):
    """The list of k output arrays (as given), after the checks the library cannot do.

    shape: the results' shape (f's, less any halo cells).
    """
    if isinstance(out, np.ndarray):
        if out.ndim == f.ndim + 1:
            views = [out[i] for i in range(out.shape[0])]
        elif out.ndim == f.ndim and k == 1:
            views = [out]
        else:
            raise _own_error(ValueError, "out has shape %s; give %d arrays of shape %s or one "
                             "array of shape %s" % (out.shape, k, shape, (k,) + shape))
    elif isinstance(out, (tuple, list)):
        views = list(out)
        for i, o in enumerate(views):
            if not isinstance(o, np.ndarray):
                raise _own_error(TypeError, "out[%d] is a %s, not a numpy array"
                                 % (i, type(o).__name__))
    else:
        raise _own_error(TypeError, "out must be a numpy array or a tuple of numpy arrays, "
                         "not %s" % type(out).__name__)
    for i, o in enumerate(views):
        if not o.flags.writeable:
            raise _own_error(ValueError, "out[%d]: output array is read-only" % i)
        if not o.flags.aligned:
            raise _own_error(ValueError, "out[%d] is not aligned to its itemsize %d: the "
                             "library writes whole elements" % (i, o.itemsize))
        if o.dtype != result or not o.dtype.isnative:
            # Dtypes the library knows are checked by the library; others (float16 for
            # float16 input, byte-swapped, bool...) it cannot even be told about.
            if o.dtype not in _CODES or not o.dtype.isnative or result.itemsize == 2:
                raise _own_error(TypeError, "out[%d] has dtype %s but the result dtype is %s"
                                 % (i, o.dtype, result))
    return views


def _check_half_outputs(views, f, shape):
    """Overlap checks for the float16 path, where the library only sees float32 temps."""
    for i, o in enumerate(views):
        if o.shape != shape:
            if shape == f.shape:
                raise _own_error(ValueError, "out[%d] has shape %s but the input's is %s"
                                 % (i, o.shape, f.shape))
            raise _own_error(ValueError, "out[%d] has shape %s but must be %s: the input's "
                             "shape %s less its halo cells" % (i, o.shape, shape, f.shape))
    for i, o in enumerate(views):
        if o.size and np.shares_memory(o, f):
            raise _own_error(ValueError, "out[%d] overlaps the input" % i)
        for j in range(i):
            if o.size and np.shares_memory(o, views[j]):
                raise _own_error(ValueError, "out[%d] overlaps out[%d]" % (i, j))
        if o.size > 1 and not _elements_distinct(o):
            raise _own_error(ValueError, "out[%d] has strides that make two of its elements "
                             "share memory" % i)


def _elements_distinct(o):
    steps = sorted((abs(s), n) for s, n in zip(o.strides, o.shape) if n > 1)
    reach = 0
    for s, n in steps:
        if s < o.itemsize or s <= reach:
            return False
        reach += s * (n - 1)
    return True


def _coord_axes(spacing, k):
    """For each differentiated axis, whether its spacing is coordinates (None: the number
    of spacings is wrong, which the library reports)."""
    if not spacing:
        return [False] * k
    if len(spacing) == 1:
        return [spacing[0][0] == "coords"] * k
    if len(spacing) == k:
        return [kind == "coords" for kind, _ in spacing]
    return None


def gradient(f, *varargs, axis=None, edge_order=1, out=None, threads=None, boundary="edge",
             period=None, accuracy=2, strict=False):
    """Return the gradient of an N-dimensional array, as numpy.gradient does.

    Same arguments, same numbers as ``numpy.gradient`` (bit for bit for float64,
    complex128 and integer inputs; see the numgrad README for float32 and float16),
    computed by libnumgrad without copying the input. The keyword-only options
    ``boundary``, ``period``, ``accuracy`` and ``strict`` go beyond numpy; their
    defaults are numpy's behaviour.

    Parameters
    ----------
    f : array_like
        The samples. Any memory layout: C or Fortran order, negative or zero strides,
        non-contiguous slices.
    *varargs : scalars or 1-D arrays, optional
        No spacing (unit spacing), one scalar for every axis, or one entry per
        differentiated axis: a scalar spacing or a 1-D array of coordinates whose length
        is the extent of that axis.
    axis : None, int or tuple of ints, optional
        The axes to differentiate, in the order of the results (negative values count
        from the end). Default: all axes.
    edge_order : {1, 2}, optional
        Order of the one-sided differences at 'edge' boundaries when ``accuracy`` is 2.
    out : ndarray or sequence of ndarrays, optional
        Where to write the results: k arrays of the result shape (f's shape, less any
        halo cells), or one array of shape ``(k,) + result shape``, of the result dtype
        exactly (float64 for integer input, otherwise f's dtype). Nothing is written
        when an error is raised.
    threads : int, optional
        At most this many threads (default: OpenMP's default, which honours
        OMP_NUM_THREADS). Small inputs always use one thread.
    boundary : str, (str, str) or sequence of those, optional, keyword-only
        How each differentiated axis ends, on its lower and upper side:

        - ``'edge'`` (default): numpy's one-sided differences (``edge_order``).
        - ``'periodic'`` (both sides only): the samples repeat, every point gets the
          central formula with wrapped-around neighbours. With coordinates give
          ``period``; a uniform spacing h repeats after n*h.
        - ``'halo'``: the outermost ``accuracy // 2`` samples on that side are ghost
          cells (owned by a neighbouring chunk or MPI rank): they are read as
          neighbours but not differentiated, and every result is shorter by
          ``accuracy // 2`` along that axis on that side. The owned cells get exactly
          the numbers of the whole array (numpy.gradient's, at accuracy 2).

        A string applies to both sides of every differentiated axis; a pair of strings
        is ``(lower, upper)`` for every axis (as ``np.pad``'s ``(before, after)``); any
        other sequence has one entry (a string or a pair) per differentiated axis, in
        the order of ``axis``.
    period : float or sequence of floats/None, optional, keyword-only
        For a periodic axis with coordinates x: the period L, so that the sample after
        ``x[-1]`` sits at ``x[0] + L``. A scalar applies to every periodic axis with
        coordinates; a sequence has one entry per differentiated axis (None for none).
    accuracy : {2, 4, 6, 8}, optional, keyword-only
        Order of accuracy. 2 (default) is numpy's formulas; 4, 6 and 8 use wider
        stencils (Fornberg's weights, on uniform and non-uniform grids) with one-sided
        boundary stencils of the same order, and need ``accuracy + 1`` samples per axis.
    strict : bool, optional, keyword-only
        Raise ValueError for coordinates that are not finite or not strictly monotonic,
        for zero or non-finite spacings and for bad periods, instead of returning
        numpy's inf and nan.

    Returns
    -------
    ndarray or tuple of ndarrays
        One array when one axis is differentiated, otherwise a tuple (numpy 1.x returns
        a list, numpy 2 a tuple). With ``out`` the results are (views of) ``out``.
    """
    f = np.asanyarray(f)
    a, code, result, half = _input(f)
    dims = _axes(axis, f.ndim)
    k = f.ndim if dims is None else len(dims)
    spacing = _spacing(varargs)
    eo = _edge_order(edge_order)
    nthreads = 0 if threads is None else _as_int32(threads, "threads")
    extras = _options.parse(boundary, period, accuracy, strict, k, _coord_axes(spacing, k),
                            _own_error)
    shape = _options.trimmed_shape(f.shape, dims, extras.halos)

    desc = _describe(a, code)
    if desc is None:  # strides that are not whole elements (structured views): copy once
        a = a.copy()
        desc = _describe(a, code)

    if out is None:
        if shape == f.shape:
            views = [np.empty_like(f, dtype=result) for _ in range(k)]
        else:  # f's memory layout, f's class, the shape less the halo cells
            views = [np.empty_like(f, dtype=result, shape=shape) for _ in range(k)]
    else:
        views = _outputs(out, f, k, result, shape)
    if half:
        _check_half_outputs(views, f, shape)
        targets = [np.empty(shape, dtype=np.float32) for _ in views]
    else:
        targets = views
    descs = []
    for i, o in enumerate(targets):
        d = _describe(o.view(np.ndarray), _CODES.get(o.dtype, -1))
        if d is None:
            raise _own_error(ValueError, "out[%d] has strides %s that are not multiples of its "
                             "itemsize %d" % (i, o.strides, o.itemsize))
        descs.append(d)

    _lib.call(desc, descs, dims, spacing, eo, nthreads, _error, extras.boundary,
              extras.accuracy, extras.strict)

    if half:
        for o, t in zip(views, targets):
            np.copyto(o, t, casting="unsafe")
    if len(views) == 1:
        return views[0]
    return tuple(views)
